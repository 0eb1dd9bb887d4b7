/**
 * CallerGuard's API, all a function author touches: {@link dev.callerguard.CallerGuard} in front of every HTTP
 * function ({@code return GUARD.handle(request, context, caller -> ...)}), the {@link dev.callerguard.VerifiedCaller}
 * it hands the handler and its {@link dev.callerguard.CallerSource}. The policy comes from the {@code CALLERGUARD_*}
 * app settings; code can only narrow it. Everything under {@code dev.callerguard.internal} is not API: it may
 * change in any release.
 */
package dev.callerguard;
