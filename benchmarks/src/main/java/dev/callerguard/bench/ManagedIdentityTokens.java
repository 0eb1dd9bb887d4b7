package dev.callerguard.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.local.LocalIdentities;
import dev.callerguard.local.LocalIdentity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mints the benchmark's tokens: shaped like Entra ID managed identity access tokens (v1) as the local emulator's
 * {@code EntraTokens} mints them, but with the value lengths of real ones ({@code aio}, {@code rh}, {@code uti},
 * a 27-character {@code kid}/{@code x5t}), so that a token is about 1 KB. One RSA-2048 key, generated and used
 * to sign by the JDK's provider whatever the JVM's order, so that every fork's key is of the same kind.
 */
final class ManagedIdentityTokens {
    static final String ISSUER = "https://sts.windows.net/" + LocalIdentities.TENANT_ID + "/";
    /** Shaped like Entra's key ids (base64url of a SHA-1 thumbprint). */
    static final String KID = "PoVKeirIOvmTyLQ9G9BenBwos7k";
    static final Duration LIFETIME = Duration.ofHours(24);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair pair;
    private final long issuedAt;

    ManagedIdentityTokens(long issuedAt) {
        this.issuedAt = issuedAt;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", CryptoProviders.jdk());
            generator.initialize(2048);
            this.pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    long issuedAt() {
        return issuedAt;
    }

    /** The claims of {@code identity}'s managed identity token for {@code resource}, in Entra's order. */
    Map<String, Object> claims(LocalIdentity identity, String resource) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", resource);
        claims.put("iss", ISSUER);
        claims.put("iat", issuedAt);
        claims.put("nbf", issuedAt);
        claims.put("exp", issuedAt + LIFETIME.toSeconds());
        claims.put("aio", "k2RgYLjW9Hm8c+O7kdTW3tDYUn1vBQA=");
        claims.put("appid", identity.clientId());
        claims.put("appidacr", "2");
        claims.put("idp", ISSUER);
        claims.put("idtyp", "app");
        claims.put("oid", identity.objectId());
        claims.put("rh", "1.AXEAfuVXfgAAAEAAgAAAAAAAAQAAoHenAAAAQACAAAAAAAEAAAAAAA.");
        boolean forTheApi = resource.equals(LocalIdentities.API_APP_ID_URI)
                || resource.equals(LocalIdentities.API_CLIENT_ID);
        if (!identity.roles().isEmpty() && forTheApi) {
            claims.put("roles", identity.roles());
        }
        claims.put("sub", identity.objectId());
        claims.put("tid", LocalIdentities.TENANT_ID);
        claims.put("uti", "Xo3Ve0c5hUSp1G8bmPQzAA");
        claims.put("ver", "1.0");
        claims.put("xms_mirid", identity.resourceId());
        return claims;
    }

    /** The compact JWS of {@code claims} under Entra's header (typ, alg RS256, x5t, kid). */
    String sign(Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", KID);
        header.put("kid", KID);
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA", CryptoProviders.jdk());
            signature.initSign(pair.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, Object> json) {
        try {
            return BASE64URL.encodeToString(MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
