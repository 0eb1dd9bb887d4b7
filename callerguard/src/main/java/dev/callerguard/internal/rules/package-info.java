/**
 * The rules a verified caller's claims must pass, one small class each (issuer, tenant, audience, lifetime,
 * access token, caller type, allowed callers and apps, roles), and the policy they apply.
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.rules;
