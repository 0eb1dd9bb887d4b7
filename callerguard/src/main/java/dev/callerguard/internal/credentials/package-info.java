/**
 * What a request carries, read strictly: the headers, the Authorization header's bearer token, the Easy Auth
 * principal, and the JSON and base64url beneath them. First step of a request's flow.
 *
 * <p>Internal: not part of CallerGuard's API (see {@code dev.callerguard}); may change in any release.
 */
package dev.callerguard.internal.credentials;
