/**
 * The CALLERGUARD_* app settings, read once and validated at start, every problem reported at once.
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.settings;
