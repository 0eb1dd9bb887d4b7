package dev.callerguard.internal.rules;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims the check reads, normalized from either a bearer token or an Easy Auth principal. The ids are put in
 * canonical form once, here, so that the rules and the decision compare them as they are.
 *
 * @param issuer     {@code iss}, if present
 * @param tenantId   {@code tid} in canonical (lower-case) form; empty when absent or not a GUID
 * @param audiences  {@code aud} values (a string or an array in a token)
 * @param objectId   {@code oid} in canonical (lower-case) form; empty when absent or not a GUID
 * @param appId      {@code appid} (v1) or {@code azp} (v2), if present: canonical when a GUID, else as sent
 * @param roles      {@code roles} values
 * @param subject    {@code sub}, if present
 * @param identityType {@code idtyp} ({@code app} or {@code user}), if present
 * @param scopes     {@code scp}, the delegated scopes of a user token, if present
 * @param expiresAt  {@code exp} in epoch seconds, if present
 * @param notBefore  {@code nbf} in epoch seconds, if present
 * @param all        every claim, for the function that wants more (strings, numbers, lists), as sent: an
 *                   unmodifiable view of the map given, not a copy, so the reader that builds it hands it over and
 *                   keeps no reference ({@link dev.callerguard.VerifiedCaller} makes the one copy a function sees)
 * @param objectIdAsSent {@code oid} exactly as sent, for the one comparison that is exact: the app-only test's
 *                   {@code oid} equal to {@code sub} ({@link CallerTypeRule})
 */
public record CallerClaims(Optional<String> issuer, Optional<String> tenantId, List<String> audiences,
                           Optional<String> objectId, Optional<String> appId, List<String> roles,
                           Optional<String> subject, Optional<String> identityType, Optional<String> scopes,
                           Optional<Long> expiresAt, Optional<Long> notBefore, Map<String, Object> all,
                           Optional<String> objectIdAsSent) {

    /** The claims as read: {@code objectId} as sent, put in canonical form here. */
    public CallerClaims(Optional<String> issuer, Optional<String> tenantId, List<String> audiences,
                        Optional<String> objectId, Optional<String> appId, List<String> roles,
                        Optional<String> subject, Optional<String> identityType, Optional<String> scopes,
                        Optional<Long> expiresAt, Optional<Long> notBefore, Map<String, Object> all) {
        this(issuer, tenantId, audiences, objectId, appId, roles, subject, identityType, scopes, expiresAt, notBefore,
                all, objectId);
    }

    /** Puts the ids in canonical form; {@code objectIdAsSent} is kept as it is. */
    public CallerClaims {
        tenantId = tenantId.flatMap(Guids::canonical);
        objectId = objectId.flatMap(Guids::canonical);
        appId = appId.map(id -> Guids.canonical(id).orElse(id));
        audiences = List.copyOf(audiences);
        roles = List.copyOf(roles);
        all = Collections.unmodifiableMap(all);
    }
}
