/**
 * A bearer token as a JWS: split and decoded, its header checked, its RS256 signature verified with the tenant's
 * key, its claims read; the provider that verifies RSA; the cache of tokens verified before.
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.token;
