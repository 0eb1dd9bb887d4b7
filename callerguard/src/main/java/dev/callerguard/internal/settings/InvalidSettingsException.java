package dev.callerguard.internal.settings;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown once at start when app settings are invalid; carries every problem found, not just the first. */
public final class InvalidSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<SettingProblem> problems;

    public InvalidSettingsException(List<SettingProblem> problems) {
        super("Invalid CallerGuard settings:\n  " + problems.stream()
                .map(SettingProblem::toString)
                .collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<SettingProblem> problems() {
        return problems;
    }

    /** The names of the settings in error, without their values. */
    public List<String> settingNames() {
        return problems.stream().map(SettingProblem::setting).distinct().toList();
    }
}
