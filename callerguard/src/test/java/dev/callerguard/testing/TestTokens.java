package dev.callerguard.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints tokens for tests: {@link #valid(Instant)} starts from a v1 Entra managed-identity token of the allowed
 * caller that passes every check; each test changes one thing.
 */
public final class TestTokens {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private TestKeys keys = TestKeys.PRIMARY;
    private String algorithm = "SHA256withRSA";

    private TestTokens() {
    }

    /** A v1 token of {@link TestIds#ALLOWED_CALLER} for the test API, valid for one hour from {@code now}. */
    public static TestTokens valid(Instant now) {
        TestTokens token = new TestTokens();
        token.header.put("typ", "JWT");
        token.header.put("alg", "RS256");
        token.header.put("kid", TestKeys.PRIMARY.kid());
        long iat = now.getEpochSecond() - 60;
        token.claims.put("aud", TestIds.API_APP_ID_URI);
        token.claims.put("iss", "https://sts.windows.net/" + TestIds.TENANT + "/");
        token.claims.put("iat", iat);
        token.claims.put("nbf", iat);
        token.claims.put("exp", iat + 3600);
        token.claims.put("appid", TestIds.ALLOWED_CALLER_APP);
        token.claims.put("appidacr", "2");
        token.claims.put("idp", "https://sts.windows.net/" + TestIds.TENANT + "/");
        token.claims.put("idtyp", "app");
        token.claims.put("oid", TestIds.ALLOWED_CALLER);
        token.claims.put("sub", TestIds.ALLOWED_CALLER);
        token.claims.put("tid", TestIds.TENANT);
        token.claims.put("ver", "1.0");
        return token;
    }

    /** The same caller as a v2 token: v2 issuer, client id audience, {@code azp} instead of {@code appid}. */
    public static TestTokens validV2(Instant now) {
        TestTokens token = valid(now);
        token.claims.put("iss", "https://login.microsoftonline.com/" + TestIds.TENANT + "/v2.0");
        token.claims.put("aud", TestIds.API_CLIENT_ID);
        token.claims.remove("appid");
        token.claims.remove("appidacr");
        token.claims.put("azp", TestIds.ALLOWED_CALLER_APP);
        token.claims.put("azpacr", "2");
        token.claims.put("ver", "2.0");
        return token;
    }

    /** Sets a claim; {@code null} removes it. */
    public TestTokens claim(String name, Object value) {
        put(claims, name, value);
        return this;
    }

    /** Sets a header field; {@code null} removes it. */
    public TestTokens header(String name, Object value) {
        put(header, name, value);
        return this;
    }

    public TestTokens roles(String... roles) {
        return claim("roles", List.of(roles));
    }

    /** Signs with these keys and names their {@code kid}. */
    public TestTokens signedBy(TestKeys signer) {
        this.keys = signer;
        header.put("kid", signer.kid());
        return this;
    }

    /** Signs with these keys but leaves the header's {@code kid} as it is. */
    public TestTokens signedWithoutKidChange(TestKeys signer) {
        this.keys = signer;
        return this;
    }

    /** Signs with another JCA algorithm (e.g. {@code SHA384withRSA}) while the header says what it says. */
    public TestTokens signatureAlgorithm(String jcaAlgorithm) {
        this.algorithm = jcaAlgorithm;
        return this;
    }

    public String sign() {
        String signingInput = encode(json(header)) + "." + encode(json(claims));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sign(signingInput, keys.pair().getPrivate(), algorithm));
    }

    /** Header and payload as given, with an empty signature. */
    public String unsigned() {
        return encode(json(header)) + "." + encode(json(claims)) + ".";
    }

    public static byte[] sign(String signingInput, PrivateKey key, String jcaAlgorithm) {
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm);
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs arbitrary header and payload JSON text (for duplicate keys and other shapes a map cannot hold). */
    public static String signRaw(String headerJson, String payloadJson, TestKeys signer) {
        String signingInput = encode(headerJson) + "." + encode(payloadJson);
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sign(signingInput, signer.pair().getPrivate(), "SHA256withRSA"));
    }

    private static String json(Map<String, Object> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Map<String, Object> map, String name, Object value) {
        if (value == null) {
            map.remove(name);
        } else {
            map.put(name, value);
        }
    }
}
