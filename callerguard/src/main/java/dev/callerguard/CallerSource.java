package dev.callerguard;

/** Which credential identified the caller. */
public enum CallerSource {
    BEARER("bearer"),
    EASY_AUTH("easy-auth");

    private final String label;

    CallerSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
