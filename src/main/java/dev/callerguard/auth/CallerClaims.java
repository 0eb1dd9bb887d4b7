package dev.callerguard.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims the check reads, normalized from either a bearer token or an Easy Auth principal.
 *
 * @param issuer     {@code iss}, if present
 * @param tenantId   {@code tid} as sent
 * @param audiences  {@code aud} values (a string or an array in a token)
 * @param objectId   {@code oid} as sent
 * @param appId      {@code appid} (v1) or {@code azp} (v2), if present
 * @param roles      {@code roles} values
 * @param expiresAt  {@code exp} in epoch seconds, if present
 * @param notBefore  {@code nbf} in epoch seconds, if present
 * @param all        every claim, for the function that wants more (strings, numbers, lists)
 */
public record CallerClaims(Optional<String> issuer, Optional<String> tenantId, List<String> audiences,
                           Optional<String> objectId, Optional<String> appId, List<String> roles,
                           Optional<Long> expiresAt, Optional<Long> notBefore, Map<String, Object> all) {

    public CallerClaims {
        audiences = List.copyOf(audiences);
        roles = List.copyOf(roles);
        all = StrictJson.unmodifiable(all);
    }
}
