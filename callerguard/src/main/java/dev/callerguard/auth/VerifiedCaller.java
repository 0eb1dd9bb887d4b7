package dev.callerguard.auth;

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

    static VerifiedCaller from(CallerClaims claims, CallerSource source) {
        return new VerifiedCaller(
                claims.objectId().flatMap(Guids::canonical).orElseThrow(),
                claims.tenantId().flatMap(Guids::canonical).orElseThrow(),
                claims.appId().map(id -> Guids.canonical(id).orElse(id)),
                claims.roles(), source, claims.all());
    }
}
