package dev.callerguard;

import dev.callerguard.internal.credentials.StrictJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A caller that passed every check.
 *
 * @param objectId object id ({@code oid}), lower case
 * @param tenantId tenant id ({@code tid}), lower case
 * @param appId    client id of the calling application ({@code appid}/{@code azp}), if present
 * @param roles    app roles held
 * @param source   the credential that identified the caller
 * @param claims   every claim of the credential
 */
public record VerifiedCaller(String objectId, String tenantId, Optional<String> appId, List<String> roles,
                             CallerSource source, Map<String, Object> claims) {

    public VerifiedCaller {
        roles = List.copyOf(roles);
        claims = StrictJson.unmodifiable(claims);
    }
}
