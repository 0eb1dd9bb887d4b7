package dev.callerguard.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Mints tokens shaped like Entra ID managed identity access tokens (v1): {@code iss}
 * {@code https://sts.windows.net/{tenant}/}, {@code aud} the requested resource, {@code appid} the identity's
 * client id, {@code oid == sub}, {@code idtyp app}, {@code xms_mirid}, {@code roles} when assigned, 24 h lifetime;
 * and delegated tokens of a local user ({@link #delegatedClaims}).
 */
final class EntraTokens {
    static final Duration LIFETIME = Duration.ofHours(24);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SigningKeyRing keys;
    private final Clock clock;

    EntraTokens(SigningKeyRing keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The claims of a managed identity token for {@code resource}. */
    Map<String, Object> claims(LocalIdentity identity, String resource) {
        Map<String, Object> claims = issuedNow(resource);
        claims.put("aio", "local-emulator");
        claims.put("appid", identity.clientId());
        claims.put("appidacr", "2");
        claims.put("idp", "https://sts.windows.net/" + LocalIdentities.TENANT_ID + "/");
        claims.put("idtyp", "app");
        claims.put("oid", identity.objectId());
        claims.put("rh", "0.local");
        boolean forTheApi = resource.equals(LocalIdentities.API_APP_ID_URI) || resource.equals(LocalIdentities.API_CLIENT_ID);
        if (!identity.roles().isEmpty() && forTheApi) {
            claims.put("roles", identity.roles());
        }
        claims.put("sub", identity.objectId());
        claims.put("tid", LocalIdentities.TENANT_ID);
        claims.put("uti", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        claims.put("ver", "1.0");
        claims.put("xms_mirid", identity.resourceId());
        return claims;
    }

    /**
     * The claims of a delegated (user) access token for {@code resource}, as Entra ID issues one (v1) to the local
     * client app for {@code user}: {@code scp} the granted scopes (space-separated), {@code idtyp user}, a pairwise
     * {@code sub}, {@code appidacr 0} (a public client), no roles.
     */
    Map<String, Object> delegatedClaims(LocalUser user, String resource, String scopes) {
        Map<String, Object> claims = issuedNow(resource);
        claims.put("acr", "1");
        claims.put("aio", "local-emulator");
        claims.put("amr", java.util.List.of("pwd"));
        claims.put("appid", LocalIdentities.CLIENT_APP_ID);
        claims.put("appidacr", "0");
        claims.put("idtyp", "user");
        claims.put("name", user.name());
        claims.put("oid", user.objectId());
        claims.put("rh", "0.local");
        claims.put("scp", scopes);
        claims.put("sub", user.subject());
        claims.put("tid", LocalIdentities.TENANT_ID);
        claims.put("unique_name", user.upn());
        claims.put("upn", user.upn());
        claims.put("uti", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        claims.put("ver", "1.0");
        return claims;
    }

    /** What every token of the local tenant starts with: audience, v1 issuer, issued now, {@link #LIFETIME}. */
    private Map<String, Object> issuedNow(String resource) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", resource);
        claims.put("iss", "https://sts.windows.net/" + LocalIdentities.TENANT_ID + "/");
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + LIFETIME.toSeconds());
        return claims;
    }

    /** The header Entra uses: typ, alg RS256, x5t and kid of the current key. */
    Map<String, Object> header() {
        String kid = keys.current().kid();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", kid);
        header.put("kid", kid);
        return header;
    }

    /** Signs header and claims with the current key (RS256), whatever the header says. */
    String sign(Map<String, Object> header, Map<String, Object> claims) {
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.current().pair().getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
