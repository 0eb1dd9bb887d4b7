package dev.callerguard.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.internal.credentials.BearerAuthorization;
import dev.callerguard.internal.credentials.EasyAuthPrincipalParser;
import dev.callerguard.internal.decision.CallerCheckFuzzTest;
import dev.callerguard.internal.token.Rs256Signature;
import dev.callerguard.internal.token.TokenClaimsReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds request header values for {@link CallerCheckFuzzTest} from fuzzer input. An input whose last byte is a
 * newline is taken literally (the bytes before it, as UTF-8), so seed files are readable text; any other input
 * drives structured mutations of a known-good credential: JSON members, base64url encodings, segments, signature
 * bytes, the scheme, and optionally a fresh signature by {@link #KEY} so that claim-level shapes get past the
 * signature layer.
 */
public final class FuzzedCredentials {
    /** The fixed instant of the fuzz tests' clock: committed signed seeds stay within their lifetime. */
    public static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    /** A committed test-only key, so that a signed seed or finding verifies in every run. */
    public static final TestKeys KEY = loadKey("fuzz-test-key.pk8.pem", "fuzz-key-1");

    /** The valid v1 and v2 tokens of the allowed caller, signed by {@link #KEY}. */
    public static final String GOOD_V1_TOKEN = TestTokens.valid(NOW).signedBy(KEY).sign();
    static final String GOOD_V2_TOKEN = TestTokens.validV2(NOW).signedBy(KEY).sign();
    public static final List<String> GOOD_TOKENS = List.of(GOOD_V1_TOKEN, GOOD_V2_TOKEN);

    /** The allowed caller's principal as Easy Auth injects it. */
    public static final String GOOD_PRINCIPAL = TestPrincipals.allowedCaller().encode();

    private static final byte RAW_INPUT = '\n';
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String[] HEADER_NAMES = {"alg", "kid", "typ", "crit", "cty", "jku", "jwk", "x5u", "x5c", "b64"};
    private static final String[] CLAIM_NAMES = {"aud", "iss", "tid", "oid", "sub", "appid", "azp", "roles", "exp",
        "nbf", "iat", "ver", "idtyp", "scp", "__proto__", ""};
    private static final String[] PRINCIPAL_TYPES = {"aud", "iss", "appid", "azp", "oid", "tid", "roles", "ver",
        "idtyp", "sub", "scp", TestPrincipals.SUB_URI, TestPrincipals.SCOPE_URI,
        TestPrincipals.OID_URI, TestPrincipals.TID_URI, TestPrincipals.ROLE_URI, "OID", "Tid",
        TestPrincipals.OID_URI.toUpperCase(), "http://schemas.microsoft.com/identity/claims/objectidentifier "};
    private static final String[] INTERESTING_STRINGS = {"", "RS256", "rs256", "RS256\u0000", "none", "None", "HS256",
        "RS384", "PS256", "ES256", "JWT", "fuzz-key-1", "fuzz-key-1 ", "FUZZ-KEY-1", "fuzz-key-1\u0000",
        "test-key-1", TestIds.ALLOWED_CALLER, TestIds.ALLOWED_CALLER.toUpperCase(), "{" + TestIds.ALLOWED_CALLER + "}",
        " " + TestIds.ALLOWED_CALLER, TestIds.ALLOWED_CALLER.replace("-", ""), TestIds.SECOND_ALLOWED_CALLER,
        TestIds.INTRUDER, TestIds.TENANT, TestIds.TENANT.toUpperCase(), TestIds.OTHER_TENANT, "common",
        "organizations", TestIds.API_APP_ID_URI, TestIds.API_APP_ID_URI + "/", TestIds.API_CLIENT_ID,
        TestIds.API_CLIENT_ID.toUpperCase(), "https://sts.windows.net/" + TestIds.TENANT + "/",
        "https://sts.windows.net/" + TestIds.TENANT, "https://login.microsoftonline.com/" + TestIds.TENANT + "/v2.0",
        "https://login.microsoftonline.com/common/v2.0", "aad", "AAD", "Function.Invoke", "x".repeat(300),
        "\u0130", "\uFFFD", "\uD800", "eyJhbGciOiJub25lIn0"};
    private static final long[] INTERESTING_NUMBERS = {0, -1, 1, NOW.getEpochSecond(), NOW.getEpochSecond() - 61,
        NOW.getEpochSecond() + 59, NOW.getEpochSecond() + 61, NOW.getEpochSecond() + 3600,
        TokenClaimsReader.MAX_NUMERIC_DATE, TokenClaimsReader.MAX_NUMERIC_DATE + 1, Integer.MAX_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] RAW_JSON_NUMBERS = {"1e400", "-0", "1.5", "1e3", "1E+3", "0.0",
        "123456789012345678901234567890123", "1" + "0".repeat(40), "NaN", "Infinity", "0x10", "01"};
    private static final String[] SCHEMES = {"Bearer ", "bearer ", "BEARER ", "BeArEr ", "Bearer  ", "Bearer\t",
        "Bearer", "Bearer\u00a0", "Bearer,", "Bearer=", "Basic ", "Token ", "", "Bearer Bearer ", "DPoP ",
        "Bearer\n", "B\u0435arer "};
    private static final String[] PADDING = {"", " ", "\t", "\r\n", "\n", "\u2003", "\u001f", "\u00a0", "\u0000",
        "\u200b"};
    /** Inserted into tokens: separators, whitespace, padding, non-ASCII (one UTF-16 char, a pair, a lone half). */
    private static final String[] INSERTED_CHARS = {".", " ", "\t", "\n", "\u0000", "=", "+", "/", "-", "_", ",", "\"",
        "\\", "\u00e9", "\uFFFD", "A", "%", "\uD83D\uDE00", "\uD800", "\u0100"};

    private FuzzedCredentials() {
    }

    /** An {@code Authorization} header value. */
    public record Bearer(String header) {
    }

    /** An {@code X-MS-CLIENT-PRINCIPAL} value. */
    public record Principal(String header) {
    }

    public static Bearer bearer(FuzzedDataProvider data) {
        if (data.consumeByte() == RAW_INPUT) {
            return new Bearer(rawText(data));
        }
        return structuredBearer(data, data.consumeInt(0, 8));
    }

    public static Principal principal(FuzzedDataProvider data) {
        if (data.consumeByte() == RAW_INPUT) {
            return new Principal(rawText(data));
        }
        return structuredPrincipal(data, data.consumeInt(0, 8));
    }

    /** Both headers for one request: few mutations each, so that most requests carry two near-valid credentials. */
    public static Bearer bearerBesidePrincipal(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : structuredBearer(data, data.consumeInt(0, 3));
    }

    public static Principal principalBesideBearer(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : structuredPrincipal(data, data.consumeInt(0, 3));
    }

    private static String rawText(FuzzedDataProvider data) {
        return new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
    }

    private static Bearer structuredBearer(FuzzedDataProvider data, int steps) {
        boolean v2 = data.consumeBoolean();
        String good = v2 ? GOOD_V2_TOKEN : GOOD_V1_TOKEN;
        String[] parts = good.split("\\.");
        String headerJson = utf8(Base64.getUrlDecoder().decode(parts[0]));
        String payloadJson = utf8(Base64.getUrlDecoder().decode(parts[1]));
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);

        for (int i = 0; i < steps; i++) {
            switch (data.consumeInt(0, 9)) {
                case 0 -> headerJson = setMember(headerJson, data.pickValue(HEADER_NAMES), jsonValue(data));
                case 1 -> headerJson = removeMember(headerJson, data.pickValue(HEADER_NAMES));
                case 2 -> payloadJson = setMember(payloadJson, data.pickValue(CLAIM_NAMES), jsonValue(data));
                case 3 -> payloadJson = removeMember(payloadJson, data.pickValue(CLAIM_NAMES));
                case 4 -> payloadJson = appendMember(payloadJson, data.pickValue(CLAIM_NAMES), jsonValue(data));
                case 5 -> headerJson = appendMember(headerJson, data.pickValue(HEADER_NAMES), jsonValue(data));
                case 6 -> headerJson = insertText(data, headerJson);
                case 7 -> payloadJson = insertText(data, payloadJson);
                case 8 -> signature = mutateBytes(data, signature);
                default -> headerJson = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
            }
        }

        String signingInput = encode(data, headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + encode(data, payloadJson.getBytes(StandardCharsets.UTF_8));
        if (steps > 0 && data.consumeBoolean()) {
            signature = sign(signingInput);
        }
        String token = signingInput + "." + encode(data, signature);
        int segmentSteps = data.consumeInt(0, 2);
        for (int i = 0; i < segmentSteps; i++) {
            token = mutateSegments(data, token, good);
        }
        String header = data.consumeInt(0, 3) == 3 ? data.pickValue(SCHEMES) + token : "Bearer " + token;
        if (data.consumeInt(0, 5) == 5) {
            header = data.pickValue(PADDING) + header + data.pickValue(PADDING);
        }
        if (data.consumeInt(0, 15) == 15) {
            header = header + " ".repeat(BearerAuthorization.MAX_HEADER_LENGTH - header.length() + data.consumeInt(-2, 2));
        }
        return new Bearer(header);
    }

    private static Principal structuredPrincipal(FuzzedDataProvider data, int steps) {
        Map<String, Object> principal = principalMap();
        @SuppressWarnings("unchecked")
        List<Object> claims = (List<Object>) principal.get("claims");
        String json = null;
        for (int i = 0; i < steps; i++) {
            if (json != null) {
                json = insertText(data, json);
                continue;
            }
            switch (data.consumeInt(0, 8)) {
                case 0 -> {
                    if (!claims.isEmpty()) {
                        claims.remove(data.consumeInt(0, claims.size() - 1));
                    }
                }
                case 1 -> claims.add(claim(data.pickValue(PRINCIPAL_TYPES), jsonValue(data)));
                case 2 -> claims.add(claim(data.pickValue(PRINCIPAL_TYPES), data.pickValue(INTERESTING_STRINGS)));
                case 3 -> {
                    if (!claims.isEmpty()) {
                        Object typ = data.consumeBoolean() ? data.pickValue(PRINCIPAL_TYPES) : jsonValue(data);
                        claims.set(data.consumeInt(0, claims.size() - 1), claim(typ, jsonValue(data)));
                    }
                }
                case 4 -> claims.add(data.consumeInt(0, claims.size()), jsonValue(data));
                case 5 -> principal.put(data.pickValue(new String[] {"auth_typ", "claims", "role_typ", "name_typ"}),
                        jsonValue(data));
                case 6 -> principal.remove(data.pickValue(new String[] {"auth_typ", "claims", "role_typ"}));
                case 7 -> principal.put("auth_typ", data.pickValue(new String[] {"AAD", "aad ", "google", "Aad"}));
                default -> json = insertText(data, write(principal));
            }
        }
        byte[] bytes = (json == null ? write(principal) : json).getBytes(StandardCharsets.UTF_8);
        String value = switch (data.consumeInt(0, 15)) {
            case 1 -> Base64.getUrlEncoder().encodeToString(bytes);
            case 2 -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
            case 3 -> Base64.getMimeEncoder().encodeToString(bytes);
            case 4 -> insertChar(data, Base64.getEncoder().encodeToString(bytes));
            case 5 -> data.pickValue(PADDING) + Base64.getEncoder().encodeToString(bytes) + data.pickValue(PADDING);
            case 6 -> Base64.getEncoder().encodeToString(bytes) + "="
                    + Base64.getEncoder().encodeToString(bytes);
            case 7 -> Base64.getEncoder().encodeToString(bytes)
                    + " ".repeat(Math.max(0, EasyAuthPrincipalParser.MAX_LENGTH - 4 * bytes.length / 3)
                    + data.consumeInt(-4, 4));
            default -> Base64.getEncoder().encodeToString(bytes);
        };
        return new Principal(value);
    }

    /** The allowed caller's principal as a mutable structure, equal to {@link #GOOD_PRINCIPAL} when written. */
    private static Map<String, Object> principalMap() {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> principal = MAPPER.readValue(Base64.getDecoder().decode(GOOD_PRINCIPAL), Map.class);
            return principal;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> claim(Object typ, Object val) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("typ", typ);
        claim.put("val", val);
        return claim;
    }

    /** A JSON value: mostly strings that matter to the check, sometimes numbers, arrays, deep nesting. */
    private static Object jsonValue(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 11)) {
            case 0 -> data.consumeString(40);
            case 1 -> data.pickValue(INTERESTING_NUMBERS);
            case 2 -> new RawJson(data.pickValue(RAW_JSON_NUMBERS));
            case 3 -> data.consumeBoolean();
            case 4 -> null;
            case 5 -> List.of(data.pickValue(INTERESTING_STRINGS), data.pickValue(INTERESTING_STRINGS));
            case 6 -> List.of();
            case 7 -> nested(data.consumeInt(1, 24), data.consumeBoolean());
            case 8 -> Map.of("x", data.pickValue(INTERESTING_STRINGS));
            case 9 -> List.of(data.consumeInt());
            default -> data.pickValue(INTERESTING_STRINGS);
        };
    }

    private static Object nested(int depth, boolean arrays) {
        Object value = "x";
        for (int i = 0; i < depth; i++) {
            value = arrays ? List.of(value) : Map.of("a", value);
        }
        return value;
    }

    /** JSON text written as is (numbers Jackson would not produce). */
    private record RawJson(String text) {
    }

    private static String json(Object value) {
        if (value instanceof RawJson raw) {
            return raw.text();
        }
        return write(value);
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value instanceof RawJson raw ? raw.text() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces or adds a member of a JSON object text; a text that is no longer an object gets it appended. */
    private static String setMember(String objectJson, String name, Object value) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> members = MAPPER.readValue(objectJson, LinkedHashMap.class);
            if (!(value instanceof RawJson)) {
                members.put(name, value);
                return write(members);
            }
            members.remove(name);
            return appendMember(write(members), name, value);
        } catch (IOException | RuntimeException e) {
            return appendMember(objectJson, name, value);
        }
    }

    private static String removeMember(String objectJson, String name) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> members = MAPPER.readValue(objectJson, LinkedHashMap.class);
            members.remove(name);
            return write(members);
        } catch (IOException | RuntimeException e) {
            return objectJson;
        }
    }

    /** Appends {@code ,"name":value} before the last brace as text: duplicate keys, raw numbers. */
    private static String appendMember(String objectJson, String name, Object value) {
        int end = objectJson.lastIndexOf('}');
        if (end < 0) {
            return objectJson + "\"" + name + "\":" + json(value);
        }
        String head = objectJson.substring(0, end);
        String separator = head.strip().endsWith("{") ? "" : ",";
        return head + separator + write(name) + ":" + json(value) + objectJson.substring(end);
    }

    private static String insertText(FuzzedDataProvider data, String text) {
        int at = data.consumeInt(0, text.length());
        int cut = data.consumeInt(0, Math.min(4, text.length() - at));
        return text.substring(0, at) + data.consumeString(16) + text.substring(at + cut);
    }

    private static String insertChar(FuzzedDataProvider data, String text) {
        int at = data.consumeInt(0, text.length());
        return text.substring(0, at) + data.pickValue(INSERTED_CHARS) + text.substring(at);
    }

    private static byte[] mutateBytes(FuzzedDataProvider data, byte[] bytes) {
        byte[] copy = Arrays.copyOf(bytes, bytes.length);
        switch (data.consumeInt(0, 4)) {
            case 0 -> {
                if (copy.length > 0) {
                    copy[data.consumeInt(0, copy.length - 1)] ^= (byte) (1 << data.consumeInt(0, 7));
                }
            }
            case 1 -> copy = Arrays.copyOf(copy, data.consumeInt(0, Math.max(0, copy.length - 1)));
            case 2 -> copy = Arrays.copyOf(copy, copy.length + data.consumeInt(1, 2));
            case 3 -> copy = new byte[0];
            default -> copy = data.consumeBytes(512);
        }
        return copy;
    }

    /** Base64url as a token carries it, or one of the encodings a strict reader must refuse. */
    private static String encode(FuzzedDataProvider data, byte[] bytes) {
        String canonical = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return switch (data.consumeInt(0, 12)) {
            case 1 -> Base64.getUrlEncoder().encodeToString(bytes);
            case 2 -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
            case 3 -> insertChar(data, canonical);
            case 4 -> nonCanonicalLastChar(canonical);
            case 5 -> canonical.isEmpty() ? canonical : canonical.substring(0, canonical.length() - 1);
            default -> canonical;
        };
    }

    /** Sets unused low bits of the last character, which a lenient decoder ignores. */
    private static String nonCanonicalLastChar(String canonical) {
        if (canonical.length() % 4 < 2) {
            return canonical;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(canonical.charAt(canonical.length() - 1));
        return canonical.substring(0, canonical.length() - 1) + alphabet.charAt(last | 1);
    }

    private static String mutateSegments(FuzzedDataProvider data, String token, String good) {
        String[] parts = token.split("\\.", -1);
        return switch (data.consumeInt(0, 9)) {
            case 0 -> token + ".";
            case 1 -> "." + token;
            case 2 -> token + "." + parts[parts.length - 1];
            case 3 -> parts.length >= 2 ? parts[0] + "." + parts[1] : token;
            case 4 -> parts.length >= 2 ? parts[0] + "." + parts[1] + "." : token;
            case 5 -> token + data.pickValue(new String[] {" ", ",", "  ", ", ", " Bearer "}) + good;
            case 6 -> parts.length == 3 ? parts[1] + "." + parts[0] + "." + parts[2] : token;
            case 7 -> token.substring(0, data.consumeInt(0, token.length()));
            case 8 -> insertChar(data, token);
            default -> good.substring(0, good.lastIndexOf('.')) + "." + (parts.length == 3 ? parts[2] : "");
        };
    }

    public static byte[] sign(String signingInput) {
        return TestTokens.sign(signingInput, KEY.pair().getPrivate(), Rs256Signature.JCA_ALGORITHM);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads a PKCS#8 PEM private key from the test resources; the public key comes from its CRT parameters. */
    private static TestKeys loadKey(String resource, String kid) {
        try (InputStream in = FuzzedCredentials.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource missing: " + resource);
            }
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                    pem.indexOf("-----END PRIVATE KEY-----"));
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
            return new TestKeys(kid, new KeyPair(
                    rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent())),
                    privateKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
