package dev.callerguard;

import dev.callerguard.internal.runtime.GuardRuntime;

/**
 * The test kit's way to a guard over the emulated tenant: {@link CallerGuard#over} is package-private in the library,
 * so that no deployed code can build a guard from other settings than the app's; this class, in the same package but
 * in the test kit's jar (test scope, never in a deployed package), is the one door, used by
 * {@code dev.callerguard.testkit.EmulatedTenant}. Not for function code.
 */
public final class EmulatedTenantGuards {
    private EmulatedTenantGuards() {
    }

    /** A guard over {@code runtime}, as {@link CallerGuard#standard()} is over the process's runtime. */
    public static CallerGuard over(GuardRuntime runtime) {
        return CallerGuard.over(runtime);
    }
}
