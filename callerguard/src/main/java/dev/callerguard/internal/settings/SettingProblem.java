package dev.callerguard.internal.settings;

/** One invalid app setting: its name and a message that says what a good value looks like. */
public record SettingProblem(String setting, String message) {
    @Override
    public String toString() {
        return setting + ": " + message;
    }
}
