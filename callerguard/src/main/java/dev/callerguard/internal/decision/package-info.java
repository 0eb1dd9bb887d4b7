/**
 * The caller check from request headers to decision, the refusals with their stable ids, and the one place that
 * renders a refusal as HTTP (status, WWW-Authenticate, problem+json).
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.decision;
