package dev.callerguard.internal.rules;

import dev.callerguard.internal.credentials.StrictJson;
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
 * @param subject    {@code sub}, if present
 * @param identityType {@code idtyp} ({@code app} or {@code user}), if present
 * @param scopes     {@code scp}, the delegated scopes of a user token, if present
 * @param expiresAt  {@code exp} in epoch seconds, if present
 * @param notBefore  {@code nbf} in epoch seconds, if present
 * @param all        every claim, for the function that wants more (strings, numbers, lists)
 */
public record CallerClaims(Optional<String> issuer, Optional<String> tenantId, List<String> audiences,
                           Optional<String> objectId, Optional<String> appId, List<String> roles,
                           Optional<String> subject, Optional<String> identityType, Optional<String> scopes,
                           Optional<Long> expiresAt, Optional<Long> notBefore, Map<String, Object> all) {

    public CallerClaims {
        audiences = List.copyOf(audiences);
        roles = List.copyOf(roles);
        all = StrictJson.unmodifiable(all);
    }
}
