/**
 * The tenant's signing keys: fetched over HTTPS from the key endpoint, filtered, cached and refreshed; what a
 * token's kid finds.
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.keys;
