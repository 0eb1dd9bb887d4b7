/**
 * What one function app process shares: the settings and the check, loaded once, warmed up when the Java worker
 * loads the functions (a worker middleware).
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.runtime;
