package dev.callerguard;

import dev.callerguard.internal.runtime.GuardRuntime;

/** For the library's tests in other packages: a guard over a runtime they build ({@link CallerGuard#over}). */
public final class TestGuards {
    private TestGuards() {
    }

    public static CallerGuard over(GuardRuntime runtime) {
        return CallerGuard.over(runtime);
    }
}
