package dev.callerguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.LogCapture;
import dev.callerguard.testing.TestCertificates;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestHttpResponse;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestPrincipals;
import dev.callerguard.testing.TestSignatures;
import dev.callerguard.testing.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack battery: every known way to get past the caller check, each one named case sent through the real
 * wrapper ({@link CallerGuard#handle}) of a {@link GuardedApp} with a real HTTP key endpoint, so the answers are
 * the HTTP ones. Every case must get its RFC 6750 refusal (400/401/403, or 503 only where the keys cannot be
 * had) with the refusal id the code gives for it — never 200, never another 5xx — and the handler must not run.
 * The single exception is marked: an upper-case form of an allowed {@code oid} is the same GUID and is allowed.
 *
 * <p>Each case runs in a fresh app with a second, attacker-run key endpoint that serves the attacker's key under
 * the tenant's {@code kid}; after every case that endpoint must have had no request, and the real one exactly the
 * number of fetches the case states ({@link #NO_FETCH} when the token is refused before any key lookup).
 *
 * <p>{@link #logsOfTheWholeBatteryHoldNoCredentialOrSecret()} runs every case again while capturing all log
 * output (the invocation loggers and {@code java.util.logging} globally) and checks that no token, signature,
 * principal header value or key material appears in it. {@link #batteryHasTheStatedNumberOfCases()} keeps the
 * count quoted in notes true.
 */
@ParameterizedClass(name = "CALLERGUARD_CRYPTO={0}")
@EnumSource(CryptoChoice.class)
class AttackBatteryTest {
    @Parameter
    CryptoChoice crypto;

    /** The number of cases below; change it with the list. */
    static final int ATTACK_CASES = 156;

    static final int NO_FETCH = 0;
    static final int ONE_FETCH = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String PRINCIPAL = "X-MS-CLIENT-PRINCIPAL";
    private static final String V1_ISSUER = "https://sts.windows.net/" + TestIds.TENANT + "/";
    private static final String OTHER_V1_ISSUER = "https://sts.windows.net/" + TestIds.OTHER_TENANT + "/";
    private static final String OTHER_V2_ISSUER = "https://login.microsoftonline.com/" + TestIds.OTHER_TENANT
            + "/v2.0";
    private static final String GRAPH = "00000003-0000-0000-c000-000000000000";
    private static final String REAL_KID = TestKeys.PRIMARY.kid();

    /** The attacker's own key pair, published by the attacker's endpoint under the tenant's {@code kid}. */
    private static final TestKeys ATTACKER = TestKeys.OTHER;
    private static final TestKeys ATTACKER_AS_REAL_KID = new TestKeys(REAL_KID, ATTACKER.pair());
    private static final KeyPair EC_KEYS = ecKeyPair();

    /** The tenant's public key in the texts an HS256 confusion attack would use as the HMAC secret. */
    private static final byte[] PUBLIC_DER = TestKeys.PRIMARY.publicKey().getEncoded();
    private static final String PUBLIC_PEM = "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(PUBLIC_DER)
            + "\n-----END PUBLIC KEY-----\n";
    private static final String PUBLIC_JWK = json(TestKeys.PRIMARY.jwk());

    /** Key material that must never appear in a log line. */
    private static final List<String> KEY_SECRETS = keySecrets();

    private static LogCapture silence;

    @BeforeAll
    static void silenceGlobalLogging() {
        // The battery makes the key endpoint fail on purpose; what the code logs is checked, not printed.
        silence = LogCapture.ofRootLogger();
    }

    @AfterAll
    static void restoreGlobalLogging() {
        silence.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The cases

    static Stream<Attack> attacks() {
        return Stream.of(structure(), algorithms(), keys(), claims(), easyAuth(), headerNames()).flatMap(List::stream);
    }

    static List<Attack> structure() {
        return List.of(
                attack("structure: one segment (the header alone)", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(segments(r.token().sign(), 0, 1))),
                attack("structure: two segments (header.payload, no signature segment)", 401, "CG401-MALFORMED",
                        NO_FETCH, r -> r.bearer(segments(r.token().sign(), 0, 2))),
                attack("structure: four segments (a valid token with one more)", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> {
                            String token = r.token().sign();
                            return r.bearer(token + "." + segments(token, 2, 3));
                        }),
                attack("structure: five segments (JWE shape)", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(TestTokens.encode("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"kid\":\""
                                + REAL_KID + "\"}") + ".AAAA.AAAA.AAAA.AAAA")),
                attack("structure: empty header segment", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer("." + segments(r.token().sign(), 1, 3))),
                attack("structure: empty payload segment", 401, "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()), ""))),
                attack("structure: base64 padding on the signature segment", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(r.token().sign() + "==")),
                attack("structure: base64 padding inside the header segment (not a b64token)", 400,
                        "CG400-AUTHORIZATION", NO_FETCH, r -> {
                            String token = r.token().sign();
                            return r.bearer(segments(token, 0, 1) + "==." + segments(token, 1, 3));
                        }),
                attack("structure: standard base64 '+' in the signature segment", 401, "CG401-MALFORMED",
                        NO_FETCH, r -> r.bearer(replaceSignatureChar(r.token().sign(), 0, '+'))),
                attack("structure: standard base64 '/' in the signature segment", 401, "CG401-MALFORMED",
                        NO_FETCH, r -> r.bearer(replaceSignatureChar(r.token().sign(), 5, '/'))),
                attack("structure: a character outside base64url and b64token ('!')", 400, "CG400-AUTHORIZATION",
                        NO_FETCH, r -> r.bearer(replaceSignatureChar(r.token().sign(), 3, '!'))),
                attack("structure: a line break inside the token", 400, "CG400-AUTHORIZATION", NO_FETCH,
                        r -> {
                            String token = r.token().sign();
                            int dot = token.lastIndexOf('.');
                            return r.bearer(token.substring(0, dot) + "\n" + token.substring(dot));
                        }),
                attack("structure: a character beyond the BMP (a surrogate pair) in the header segment", 400,
                        "CG400-AUTHORIZATION", NO_FETCH, r -> {
                            String token = r.token().sign();
                            int dot = token.indexOf('.');
                            return r.bearer(token.substring(0, dot - 2) + "\uD83D\uDE00" + token.substring(dot));
                        }),
                attack("structure: only characters beyond the BMP before the first dot", 400, "CG400-AUTHORIZATION",
                        NO_FETCH, r -> r.bearer("\uD83D\uDE00".repeat(4) + ".a.b")),
                attack("structure: non-canonical last base64url character of the signature", 401,
                        "CG401-MALFORMED", NO_FETCH, r -> r.bearer(nonCanonicalLastChar(r.token().sign()))),
                attack("structure: header is not JSON", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(withHeaderText(r.token().sign(), "RS256 " + REAL_KID))),
                attack("structure: payload is not JSON (validly signed)", 401, "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()), "oid=" + TestIds.ALLOWED_CALLER))),
                attack("structure: header is a top-level array", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(withHeaderText(r.token().sign(), "[" + headerJson(r.token()) + "]"))),
                attack("structure: payload is a top-level string (validly signed)", 401, "CG401-MALFORMED",
                        ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()), "\"" + TestIds.ALLOWED_CALLER
                                + "\""))),
                attack("structure: payload is a top-level array (validly signed)", 401, "CG401-MALFORMED",
                        ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()), "[" + claimsJson(r.token())
                                + "]"))),
                attack("structure: trailing data after the header JSON", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()) + "{}", claimsJson(r.token())))),
                attack("structure: trailing data after the payload JSON (validly signed)", 401,
                        "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()), claimsJson(r.token()) + " x"))),
                attack("structure: duplicate 'alg' in the header (HS256 then RS256, validly signed)", 401,
                        "CG401-MALFORMED", NO_FETCH, r -> r.bearer(signRaw(
                                "{\"alg\":\"HS256\",\"alg\":\"RS256\",\"kid\":\"" + REAL_KID + "\"}",
                                claimsJson(r.token())))),
                attack("structure: duplicate 'alg' in the header (RS256 then none, validly signed)", 401,
                        "CG401-MALFORMED", NO_FETCH, r -> r.bearer(signRaw(
                                "{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"" + REAL_KID + "\"}",
                                claimsJson(r.token())))),
                attack("structure: duplicate 'oid', not allowed then allowed (last-wins parsers allow)", 401,
                        "CG401-MALFORMED", ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token().claim("oid", null)), "\"oid\":\"" + TestIds.INTRUDER
                                        + "\",\"oid\":\"" + TestIds.ALLOWED_CALLER + "\"")))),
                attack("structure: duplicate 'oid', allowed then not allowed (first-wins parsers allow)", 401,
                        "CG401-MALFORMED", ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token().claim("oid", null)), "\"oid\":\""
                                        + TestIds.ALLOWED_CALLER + "\",\"oid\":\"" + TestIds.INTRUDER + "\"")))),
                attack("structure: a comment in the header JSON", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signRaw(insert(headerJson(r.token()), "/* c */\"typ\":\"JWT\""),
                                claimsJson(r.token())))),
                attack("structure: a comment in the payload JSON (validly signed)", 401, "CG401-MALFORMED",
                        ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token()), "\"x\":1 // c\n")))),
                attack("structure: NaN as 'exp' (validly signed)", 401, "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token().claim("exp", null)), "\"exp\":NaN")))),
                attack("structure: header JSON in UTF-16LE (validly signed)", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signBytes(headerJson(r.token()).getBytes(StandardCharsets.UTF_16LE),
                                utf8(claimsJson(r.token()))))),
                attack("structure: payload JSON in UTF-16BE (validly signed)", 401, "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signBytes(utf8(headerJson(r.token())),
                                claimsJson(r.token()).getBytes(StandardCharsets.UTF_16BE)))),
                attack("structure: an allowed oid with '-' as overlong UTF-8 C0 AD (validly signed)", 401,
                        "CG401-MALFORMED", ONE_FETCH, r -> r.bearer(signBytes(utf8(headerJson(r.token())),
                                overlongHyphens(claimsJson(r.token()), TestIds.ALLOWED_CALLER)))),
                attack("structure: a 0xFF byte in the header JSON", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signBytes(withByte(headerJson(r.token()), "RS256", (byte) 0xFF),
                                utf8(claimsJson(r.token()))))),
                attack("structure: Authorization header over 16 KB (a validly signed token) refused before "
                        + "decoding", 400, "CG400-AUTHORIZATION-SIZE", NO_FETCH, r -> {
                            String token = r.token().claim("pad", "x".repeat(13_000)).sign();
                            assertThat(("Bearer " + token).length()).isGreaterThan(16 * 1024);
                            return r.bearer(token);
                        }),
                attack("structure: Authorization header over 16 KB of spaces around a valid token", 400,
                        "CG400-AUTHORIZATION-SIZE", NO_FETCH, r -> r.send(TestHttpRequest.get("/api/hello")
                                .header("Authorization", "Bearer " + " ".repeat(16 * 1024) + r.token().sign()))),
                attack("structure: header nested 1,000 deep", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signRaw(insert(headerJson(r.token()), "\"x\":" + nested(1000)),
                                claimsJson(r.token())))),
                attack("structure: payload nested 1,000 deep (validly signed)", 401, "CG401-MALFORMED",
                        ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token()), "\"x\":" + nested(1000))))),
                attack("structure: a 1,000-digit number in the header", 401, "CG401-MALFORMED", NO_FETCH,
                        r -> r.bearer(signRaw(insert(headerJson(r.token()), "\"x\":" + "9".repeat(1000)),
                                claimsJson(r.token())))),
                attack("structure: a 1,000-digit number in the payload (validly signed)", 401, "CG401-MALFORMED",
                        ONE_FETCH, r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token()), "\"x\":" + "9".repeat(1000))))),
                attack("structure: a 10,000-character string in a forged payload (never parsed)", 401,
                        "CG401-SIGNATURE", ONE_FETCH, r -> r.bearer(r.token().claim("x", "y".repeat(10_000))
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("structure: a 10,000-character 'aud' (validly signed)", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", TestIds.API_APP_ID_URI + "x".repeat(10_000))
                                .sign())));
    }

    static List<Attack> algorithms() {
        List<Attack> list = new ArrayList<>();
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            list.add(attack("algorithms: alg '" + none + "' with an empty signature", 401, "CG401-ALGORITHM",
                    NO_FETCH, r -> r.bearer(r.token().header("alg", none).unsigned())));
        }
        list.addAll(List.of(
                attack("algorithms: alg 'none' with the real RS256 signature kept", 401, "CG401-ALGORITHM",
                        NO_FETCH, r -> {
                            String token = r.token().sign();
                            return r.bearer(withHeaderText(token, headerJson(r.token().header("alg", "none"))));
                        }),
                attack("algorithms: RS256 with an empty signature", 401, "CG401-SIGNATURE", ONE_FETCH,
                        r -> r.bearer(r.token().unsigned())),
                attack("algorithms: RS256 with an all-zero signature of the modulus length", 401,
                        "CG401-SIGNATURE", ONE_FETCH, r -> r.bearer(withSignature(r.token().unsigned(),
                                new byte[256]))),
                attack("algorithms: HS256 keyed with the tenant's public key as PEM (final newline)", 401,
                        "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(hs256(r.token(), PUBLIC_PEM.getBytes(StandardCharsets.US_ASCII)))),
                attack("algorithms: HS256 keyed with the tenant's public key as PEM (no final newline)", 401,
                        "CG401-ALGORITHM", NO_FETCH, r -> r.bearer(hs256(r.token(),
                                PUBLIC_PEM.strip().getBytes(StandardCharsets.US_ASCII)))),
                attack("algorithms: HS256 keyed with the tenant's public key as DER", 401, "CG401-ALGORITHM",
                        NO_FETCH, r -> r.bearer(hs256(r.token(), PUBLIC_DER))),
                attack("algorithms: HS256 keyed with the tenant's public key as JWK text", 401, "CG401-ALGORITHM",
                        NO_FETCH, r -> r.bearer(hs256(r.token(), PUBLIC_JWK.getBytes(StandardCharsets.UTF_8)))),
                attack("algorithms: HS256 with an empty key", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(hs256(r.token(), new byte[0]))),
                attack("algorithms: alg 'rs256' (lower case)", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", "rs256").sign())),
                attack("algorithms: alg 'RS256 ' (trailing space)", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", "RS256 ").sign())),
                attack("algorithms: alg a number", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", 256).sign())),
                attack("algorithms: alg an array ['RS256']", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", List.of("RS256")).sign())),
                attack("algorithms: alg an object", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", Map.of("RS256", true)).sign())),
                attack("algorithms: alg JSON null", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(signRaw(insert(headerJson(r.token().header("alg", null)), "\"alg\":null"),
                                claimsJson(r.token())))),
                attack("algorithms: alg missing", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", null).sign())),
                attack("algorithms: RS384 signed by the tenant's key", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(r.token().header("alg", "RS384").signatureAlgorithm("SHA384withRSA").sign())),
                attack("algorithms: RS256 header over an RS384 signature by the tenant's key", 401,
                        "CG401-SIGNATURE", ONE_FETCH,
                        r -> r.bearer(r.token().signatureAlgorithm("SHA384withRSA").sign())),
                attack("algorithms: PS256 signed by the tenant's key", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(ps256(r.token().header("alg", "PS256")))),
                attack("algorithms: ES256 signed by an EC key", 401, "CG401-ALGORITHM", NO_FETCH,
                        r -> r.bearer(es256(r.token().header("alg", "ES256")))),
                attack("algorithms: ES256 psychic signature r=s=0, raw (CVE-2022-21449)", 401, "CG401-ALGORITHM",
                        NO_FETCH, r -> r.bearer(withSignature(r.token().header("alg", "ES256").unsigned(),
                                new byte[64]))),
                attack("algorithms: ES256 psychic signature r=s=0, DER (CVE-2022-21449)", 401, "CG401-ALGORITHM",
                        NO_FETCH, r -> r.bearer(withSignature(r.token().header("alg", "ES256").unsigned(),
                                new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00})))));
        return list;
    }

    static List<Attack> keys() {
        return List.of(
                attack("keys: the tenant's kid, signed by the attacker's key", 401, "CG401-SIGNATURE", ONE_FETCH,
                        r -> r.bearer(r.token().signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: a real signature transplanted onto another payload", 401, "CG401-SIGNATURE",
                        ONE_FETCH, r -> {
                            String real = r.token().claim("oid", TestIds.INTRUDER).sign();
                            String forged = r.token().claim("exp", r.epoch() + 365L * 86_400).unsigned();
                            return r.bearer(forged + real.substring(real.lastIndexOf('.') + 1));
                        }),
                attack("keys: 'jwk' header embedding the attacker's key (ignored)", 401, "CG401-SIGNATURE",
                        ONE_FETCH, r -> r.bearer(r.token().header("jwk", ATTACKER_AS_REAL_KID.jwk())
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: 'jku' header naming the attacker's key endpoint (never fetched)", 401,
                        "CG401-SIGNATURE", ONE_FETCH, r -> r.bearer(r.token()
                                .header("jku", r.attacker.keysUrl().toString())
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: 'x5u' header naming the attacker's URL (never fetched)", 401, "CG401-SIGNATURE",
                        ONE_FETCH, r -> r.bearer(r.token().header("x5u", r.attacker.keysUrl().toString())
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: 'x5c' header with the attacker's self-signed certificate (ignored)", 401,
                        "CG401-SIGNATURE", ONE_FETCH, r -> r.bearer(r.token().header("x5c", List.of(x5c()))
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: jwk, jku, x5u and x5c together with the attacker's own kid", 401,
                        "CG401-UNKNOWN-KEY", ONE_FETCH, r -> r.bearer(r.token()
                                .header("jwk", ATTACKER.jwk())
                                .header("jku", r.attacker.keysUrl().toString())
                                .header("x5u", r.attacker.keysUrl().toString())
                                .header("x5c", List.of(x5c()))
                                .signedBy(ATTACKER).sign())),
                attack("keys: kid that is the attacker's key endpoint URL", 401, "CG401-UNKNOWN-KEY", ONE_FETCH,
                        r -> r.bearer(r.token().header("kid", r.attacker.keysUrl().toString())
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid with path traversal", 401, "CG401-UNKNOWN-KEY", ONE_FETCH,
                        r -> r.bearer(r.token().header("kid", "../../../../etc/passwd")
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid with encoded path traversal", 401, "CG401-UNKNOWN-KEY", ONE_FETCH,
                        r -> r.bearer(r.token().header("kid", "..%2F..%2F" + REAL_KID)
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid with quotes (injection shape)", 401, "CG401-UNKNOWN-KEY", ONE_FETCH,
                        r -> r.bearer(r.token().header("kid", REAL_KID + "\" OR \"1\"=\"1")
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid of the tenant's key with a NUL appended", 401, "CG401-UNKNOWN-KEY", ONE_FETCH,
                        r -> r.bearer(r.token().header("kid", REAL_KID + "\u0000")
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid of 10 KB", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", "k".repeat(10 * 1024))
                                .signedWithoutKidChange(ATTACKER).sign())),
                attack("keys: kid a number", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", 1).sign())),
                attack("keys: kid an array holding the tenant's kid", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", List.of(REAL_KID)).sign())),
                attack("keys: kid an object", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", Map.of("$ne", "")).sign())),
                attack("keys: kid empty", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", "").sign())),
                attack("keys: kid missing", 401, "CG401-KEY-ID", NO_FETCH,
                        r -> r.bearer(r.token().header("kid", null).sign())),
                new Attack("keys: a flood of 1,000 unknown kids: at most one fetch per interval, real keys keep "
                        + "working", 401, "CG401-UNKNOWN-KEY", null, AttackBatteryTest::unknownKidFlood),
                attack("keys: forged token while the key endpoint fails (503, never 200)", 503, "CG503-KEYS",
                        ONE_FETCH, r -> {
                            r.app.jwks.serveRaw(500, "{\"error\":\"down\"}");
                            return r.bearer(r.token().signedWithoutKidChange(ATTACKER).sign());
                        }));
    }

    static List<Attack> claims() {
        return List.of(
                attack("claims: a valid token of another identity of the tenant", 403, "CG403-CALLER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("oid", TestIds.INTRUDER).claim("sub", TestIds.INTRUDER)
                                .claim("appid", TestIds.INTRUDER_APP).sign())),
                attack("claims: exp missing", 401, "CG401-NO-EXPIRY", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", null).sign())),
                attack("claims: exp an hour ago", 401, "CG401-EXPIRED", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", r.epoch() - 3600).sign())),
                attack("claims: exp equal to now (clock skew 0)", 401, "CG401-EXPIRED", ONE_FETCH,
                        r -> r.setting(GuardSettings.CLOCK_SKEW_SECONDS, "0")
                                .bearer(r.token().claim("exp", r.epoch()).sign())),
                attack("claims: exp plus the default skew equal to now", 401, "CG401-EXPIRED", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp",
                                r.epoch() - GuardSettings.DEFAULT_CLOCK_SKEW.toSeconds()).sign())),
                attack("claims: exp a string", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", Long.toString(r.epoch() + 3600)).sign())),
                attack("claims: exp a boolean", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", true).sign())),
                attack("claims: exp JSON null", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()),
                                insert(claimsJson(r.token().claim("exp", null)), "\"exp\":null")))),
                attack("claims: exp beyond a long (10^25)", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()), insert(claimsJson(r.token().claim("exp",
                                null)), "\"exp\":1" + "0".repeat(25))))),
                attack("claims: exp after 9999-12-31", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", 253_402_300_800L).sign())),
                attack("claims: exp Long.MAX_VALUE", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", Long.MAX_VALUE).sign())),
                attack("claims: exp negative", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("exp", -1L).sign())),
                attack("structure: exp 1e999999 (beyond a double: not read as JSON)", 401, "CG401-MALFORMED", ONE_FETCH,
                        r -> r.bearer(signRaw(headerJson(r.token()), insert(claimsJson(r.token().claim("exp",
                                null)), "\"exp\":1e999999")))),
                attack("claims: nbf an hour ahead", 401, "CG401-NOT-YET-VALID", ONE_FETCH,
                        r -> r.bearer(r.token().claim("nbf", r.epoch() + 3600).sign())),
                attack("claims: nbf a string", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("nbf", "0").sign())),
                attack("claims: issuer of another tenant (v1)", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss", OTHER_V1_ISSUER).sign())),
                attack("claims: issuer 'common' (v2)", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss", "https://login.microsoftonline.com/common/v2.0")
                                .sign())),
                attack("claims: issuer 'organizations' (v2)", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss",
                                "https://login.microsoftonline.com/organizations/v2.0").sign())),
                attack("claims: issuer 'common' (v1)", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss", "https://sts.windows.net/common/").sign())),
                attack("claims: issuer template '{tenantid}' as sent", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss", "https://login.microsoftonline.com/{tenantid}/v2.0")
                                .sign())),
                attack("claims: issuer missing", 401, "CG401-ISSUER", ONE_FETCH,
                        r -> r.bearer(r.token().claim("iss", null).sign())),
                attack("claims: the tenant's issuer with another tenant's tid", 401, "CG401-TENANT", ONE_FETCH,
                        r -> r.bearer(r.token().claim("tid", TestIds.OTHER_TENANT).sign())),
                attack("claims: tid missing", 401, "CG401-TENANT", ONE_FETCH,
                        r -> r.bearer(r.token().claim("tid", null).sign())),
                attack("claims: aud missing", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", null).sign())),
                attack("claims: aud an empty array", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", List.of()).sign())),
                attack("claims: aud Microsoft Graph's app id", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", GRAPH).sign())),
                attack("claims: aud Microsoft Graph's URI", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", "https://graph.microsoft.com").sign())),
                attack("claims: aud a case variant of the App ID URI", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", TestIds.API_APP_ID_URI.toUpperCase(Locale.ROOT))
                                .sign())),
                attack("claims: aud the App ID URI with a trailing slash", 401, "CG401-AUDIENCE", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", TestIds.API_APP_ID_URI + "/").sign())),
                attack("claims: aud a number", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("aud", 1).sign())),
                attack("claims: oid missing", 401, "CG401-NO-OID", ONE_FETCH,
                        r -> r.bearer(r.token().claim("oid", null).sign())),
                attack("claims: oid a number", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("oid", 42).sign())),
                attack("claims: oid an array holding an allowed id", 401, "CG401-CLAIMS", ONE_FETCH,
                        r -> r.bearer(r.token().claim("oid", List.of(TestIds.ALLOWED_CALLER)).sign())),
                attack("claims: oid an allowed id in braces (not a GUID in 8-4-4-4-12 form)", 401, "CG401-NO-OID",
                        ONE_FETCH, r -> r.bearer(r.token().claim("oid", "{" + TestIds.ALLOWED_CALLER + "}")
                                .sign())),
                allowed("claims: oid in upper case of an allowed id — the same GUID, so ALLOWED (the one "
                        + "non-refusal of the battery)", r -> r.bearer(r.token()
                                .claim("oid", TestIds.ALLOWED_CALLER.toUpperCase(Locale.ROOT)).sign())),
                attack("claims: another tenant's token (signed by the shared Microsoft key) whose oid is an "
                        + "allowed id", 401, "CG401-ISSUER", ONE_FETCH, r -> r.bearer(r.token()
                                .claim("iss", OTHER_V1_ISSUER).claim("idp", OTHER_V1_ISSUER)
                                .claim("tid", TestIds.OTHER_TENANT).sign())),
                attack("claims: another tenant's v2 token whose oid is an allowed id", 401, "CG401-ISSUER",
                        ONE_FETCH, r -> r.bearer(TestTokens.validV2(r.now()).claim("iss", OTHER_V2_ISSUER)
                                .claim("tid", TestIds.OTHER_TENANT).sign())),
                attack("claims: 'crit' header naming exp", 401, "CG401-CRIT", NO_FETCH,
                        r -> r.bearer(r.token().header("crit", List.of("exp")).sign())),
                attack("claims: 'crit' header empty", 401, "CG401-CRIT", NO_FETCH,
                        r -> r.bearer(r.token().header("crit", List.of()).sign())),
                attack("claims: nested JWT ('cty' JWT, the payload a valid token)", 401, "CG401-NESTED", NO_FETCH,
                        r -> r.bearer(signRaw("{\"alg\":\"RS256\",\"kid\":\"" + REAL_KID + "\",\"cty\":\"JWT\"}",
                                r.token().sign()))));
    }

    static List<Attack> easyAuth() {
        return List.of(
                attack("easy auth: principal of an allowed caller when Easy Auth is not proven", 401,
                        "CG401-NO-CREDENTIALS", NO_FETCH, r -> {
                            TestHttpResponse response = r.send(TestHttpRequest.get("/api/hello")
                                    .header(PRINCIPAL, TestPrincipals.allowedCaller().encode()));
                            assertThat(r.contextLines()).anySatisfy(line ->
                                    assertThat(line).contains("WARNING", "X-MS-CLIENT-PRINCIPAL header ignored"));
                            return response;
                        }),
                attack("easy auth: principal of an allowed caller beside another identity's bearer, not proven",
                        403, "CG403-CALLER", ONE_FETCH, r -> r.send(TestHttpRequest.get("/api/hello")
                                .bearer(r.token().claim("oid", TestIds.INTRUDER).sign())
                                .header(PRINCIPAL, TestPrincipals.allowedCaller().encode()))),
                attack("easy auth: principal with a client-sent WEBSITE_AUTH_ENABLED header", 401,
                        "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.send(TestHttpRequest.get("/api/hello")
                                .header(GuardSettings.WEBSITE_AUTH_ENABLED, "true")
                                .header("X-MS-CLIENT-PRINCIPAL-IDP", "aad")
                                .header(PRINCIPAL, TestPrincipals.allowedCaller().encode()))),
                attack("easy auth: principal when Easy Auth runs but CALLERGUARD_EASY_AUTH is off", 401,
                        "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.trustEasyAuth()
                                .setting(GuardSettings.EASY_AUTH, "off")
                                .send(TestHttpRequest.get("/api/hello")
                                        .header(PRINCIPAL, TestPrincipals.allowedCaller().encode()))),
                attack("easy auth: a lone X-MS-CLIENT-PRINCIPAL-ID (and -NAME) naming an allowed caller", 401,
                        "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.send(principalIdOnly())),
                attack("easy auth: a lone X-MS-CLIENT-PRINCIPAL-ID naming an allowed caller, Easy Auth proven",
                        401, "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.trustEasyAuth().send(principalIdOnly())),
                principal("easy auth: principal not base64", 401, "CG401-PRINCIPAL",
                        "%%%" + TestIds.ALLOWED_CALLER + "%%%"),
                principal("easy auth: principal as raw JSON, not base64", 401, "CG401-PRINCIPAL",
                        new String(Base64.getDecoder().decode(TestPrincipals.allowedCaller().encode()),
                                StandardCharsets.UTF_8)),
                principal("easy auth: principal base64 of non-JSON", 401, "CG401-PRINCIPAL",
                        base64("oid=" + TestIds.ALLOWED_CALLER)),
                principal("easy auth: principal a top-level JSON array", 401, "CG401-PRINCIPAL",
                        base64("[" + decoded(TestPrincipals.allowedCaller()) + "]")),
                principal("easy auth: principal without 'claims'", 401, "CG401-PRINCIPAL",
                        base64("{\"auth_typ\":\"aad\",\"name_typ\":\"name\",\"role_typ\":\"roles\"}")),
                principal("easy auth: principal whose 'claims' is an object", 401, "CG401-PRINCIPAL",
                        base64("{\"auth_typ\":\"aad\",\"claims\":{\"oid\":\"" + TestIds.ALLOWED_CALLER + "\"}}")),
                principal("easy auth: principal with a duplicate JSON key", 401, "CG401-PRINCIPAL",
                        base64(insert(decoded(TestPrincipals.allowedCaller()), "\"auth_typ\":\"aad\""))),
                principal("easy auth: principal JSON in UTF-16LE", 401, "CG401-PRINCIPAL",
                        Base64.getEncoder().encodeToString(decoded(TestPrincipals.allowedCaller())
                                .getBytes(StandardCharsets.UTF_16LE))),
                principal("easy auth: principal with two different oid claims", 401, "CG401-CLAIMS",
                        TestPrincipals.allowedCaller().claim("oid", TestIds.INTRUDER).encode()),
                principal("easy auth: principal with two different objectidentifier claims", 401, "CG401-CLAIMS",
                        TestPrincipals.allowedCaller().claim(TestPrincipals.OID_URI, TestIds.INTRUDER).encode()),
                principal("easy auth: Static Web Apps principal shape naming an allowed caller", 401,
                        "CG401-PRINCIPAL", base64("{\"identityProvider\":\"aad\",\"userId\":\""
                                + TestIds.ALLOWED_CALLER + "\",\"userDetails\":\"apim\",\"userRoles\":"
                                + "[\"anonymous\",\"authenticated\"]}")),
                principal("easy auth: principal of another provider (auth_typ google) naming an allowed caller",
                        401, "CG401-PRINCIPAL", base64(decoded(TestPrincipals.allowedCaller())
                                .replace("\"auth_typ\":\"aad\"", "\"auth_typ\":\"google\""))),
                principal("easy auth: principal over 32 KB", 401, "CG401-PRINCIPAL",
                        TestPrincipals.allowedCaller().claim("pad", "p".repeat(33 * 1024)).encode()),
                principal("easy auth: principal with a 20,000-character claim value (under 32 KB)", 401,
                        "CG401-PRINCIPAL", TestPrincipals.allowedCaller().claim("pad", "p".repeat(20_000))
                                .encode()),
                principal("easy auth: principal of another tenant naming an allowed caller", 401, "CG401-TENANT",
                        TestPrincipals.allowedCaller().without(TestPrincipals.TID_URI)
                                .claim(TestPrincipals.TID_URI, TestIds.OTHER_TENANT).encode()),
                principal("easy auth: principal for Microsoft Graph", 401, "CG401-AUDIENCE",
                        TestPrincipals.allowedCaller().without("aud").claim("aud", GRAPH).encode()),
                principal("easy auth: principal without an oid", 401, "CG401-NO-OID",
                        TestPrincipals.allowedCaller().without(TestPrincipals.OID_URI).encode()),
                principal("easy auth: principal of another identity of the tenant", 403, "CG403-CALLER",
                        TestPrincipals.allowedCaller().without(TestPrincipals.OID_URI)
                                .claim(TestPrincipals.OID_URI, TestIds.INTRUDER).encode()),
                attack("easy auth: bearer of an allowed caller, principal of another identity", 401,
                        "CG401-CALLER-MISMATCH", ONE_FETCH, r -> r.trustEasyAuth().send(TestHttpRequest
                                .get("/api/hello").bearer(r.token().sign()).header(PRINCIPAL, TestPrincipals
                                        .allowedCaller().without(TestPrincipals.OID_URI)
                                        .claim(TestPrincipals.OID_URI, TestIds.INTRUDER).encode()))),
                attack("easy auth: bearer and principal naming two different allowed callers", 401,
                        "CG401-CALLER-MISMATCH", ONE_FETCH, r -> r.trustEasyAuth().send(TestHttpRequest
                                .get("/api/hello").bearer(r.token().sign()).header(PRINCIPAL, TestPrincipals
                                        .allowedCaller().without(TestPrincipals.OID_URI)
                                        .claim(TestPrincipals.OID_URI, TestIds.SECOND_ALLOWED_CALLER).encode()))),
                attack("easy auth: bearer of an allowed caller without Easy Auth where it is required", 401,
                        "CG401-EASY-AUTH-REQUIRED", NO_FETCH, r -> r.trustEasyAuth()
                                .setting(GuardSettings.EASY_AUTH, "required").bearer(r.token().sign())));
    }

    /**
     * Finding "header names matched with Unicode case folding": a name that only Unicode case folding equates with
     * a credential header's (Easy Auth strips client-sent {@code X-MS-CLIENT-PRINCIPAL*} by ASCII case) is another
     * header, and its value is not read.
     */
    static List<Attack> headerNames() {
        return List.of(
                attack("header name case folding: forged principal under x-m\u017F-client-principal (long s), Easy "
                        + "Auth proven", 401, "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.trustEasyAuth().send(
                                TestHttpRequest.get("/api/hello").header("x-m\u017F-client-principal",
                                        TestPrincipals.allowedCaller().encode()))),
                attack("header name case folding: forged principal under x-ms-cl\u0131ent-principal (dotless i), "
                        + "Easy Auth proven", 401, "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.trustEasyAuth().send(
                                TestHttpRequest.get("/api/hello").header("X-MS-CL\u0131ENT-PRINCIPAL",
                                        TestPrincipals.allowedCaller().encode()))),
                attack("header name case folding: bearer of an allowed caller under author\u0131zation (dotless i)",
                        401, "CG401-NO-CREDENTIALS", NO_FETCH, r -> r.send(TestHttpRequest.get("/api/hello")
                                .header("author\u0131zation", "Bearer " + r.token().sign()))));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsRefused(Attack attack) throws Exception {
        try (Run run = new Run(crypto)) {
            TestHttpResponse response = attack.probe().send(run);
            try {
                verify(attack, run, response);
            } catch (AssertionError e) {
                // Reports list parameterized cases by index; the name says which attack got through.
                throw new AssertionError(attack.name() + " -> " + e.getMessage(), e);
            }
        }
    }

    @Test
    void logsOfTheWholeBatteryHoldNoCredentialOrSecret() throws Exception {
        List<String> lines = new ArrayList<>();
        Set<String> secrets = new LinkedHashSet<>(KEY_SECRETS);
        try (LogCapture global = LogCapture.ofRootLogger()) {
            for (Attack attack : attacks().toList()) {
                try (Run run = new Run(crypto)) {
                    // Answers are attackIsRefused's business; this test looks only at what was logged.
                    attack.probe().send(run);
                    lines.addAll(run.contextLines());
                    secrets.addAll(run.secrets);
                }
            }
            assertThat(global.lines()).as("java.util.logging output is captured")
                    .anySatisfy(line -> assertThat(line).contains("Key set fetch"));
            lines.addAll(global.lines());
        }

        assertThat(lines).as("every decision is logged").hasSizeGreaterThan(ATTACK_CASES);
        assertThat(secrets).as("tokens, principals and keys to look for").hasSizeGreaterThan(ATTACK_CASES);
        String all = String.join("\n", lines);
        for (String secret : secrets) {
            if (all.contains(secret)) {
                assertThat(lines).as("no log line holds a credential or secret")
                        .noneSatisfy(line -> assertThat(line).contains(secret));
                assertThat(all).as("no run of log lines holds a credential or secret").doesNotContain(secret);
            }
        }
    }

    @Test
    void batteryHasTheStatedNumberOfCases() {
        List<String> names = attacks().map(Attack::name).toList();

        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).filteredOn(name -> name.contains("ALLOWED")).hasSize(1);
        assertThat(names).hasSize(ATTACK_CASES);
    }

    // ---------------------------------------------------------------------------------------------------------
    // What every case must get

    private static void verify(Attack attack, Run run, TestHttpResponse response) throws IOException {
        int status = response.getStatusCode();
        if (attack.status() == 200) {
            assertThat(status).isEqualTo(200);
            assertThat(run.handled).hasSize(1);
            assertThat(run.handled.get(0).objectId()).isEqualTo(TestIds.ALLOWED_CALLER);
        } else {
            verifyRefusal(attack, run, response);
        }
        assertThat(run.attacker.requestCount()).as("the attacker's endpoint is never fetched").isZero();
        if (attack.fetches() != null) {
            assertThat(run.app.jwks.requestCount()).as("fetches of the tenant's key endpoint")
                    .isEqualTo(attack.fetches());
        }
    }

    private static void verifyRefusal(Attack attack, Run run, TestHttpResponse response) throws IOException {
        int status = response.getStatusCode();
        assertThat(status).as("an RFC 6750 refusal, 503 only without keys").isIn(400, 401, 403, 503);
        assertThat(run.handled).as("the function never runs").isEmpty();
        JsonNode problem = MAPPER.readTree(response.bodyText());
        assertThat(problem.get("code").asText()).as("refusal id").isEqualTo(attack.code());
        assertThat(status).as("status").isEqualTo(attack.status());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        String challenge = response.getHeader("WWW-Authenticate");
        switch (status) {
            case 400 -> assertThat(challenge).startsWith("Bearer realm=\"callerguard\", error=\"invalid_request\"");
            case 401 -> assertThat(challenge).isEqualTo(attack.code().equals("CG401-NO-CREDENTIALS")
                    ? "Bearer realm=\"callerguard\""
                    : "Bearer realm=\"callerguard\", error=\"invalid_token\", error_description=\""
                            + problem.get("detail").asText() + "\"");
            case 403 -> assertThat(challenge)
                    .startsWith("Bearer realm=\"callerguard\", error=\"insufficient_scope\"");
            default -> {
                assertThat(challenge).isNull();
                assertThat(response.getHeader("Retry-After")).isEqualTo("10");
            }
        }
        for (String secret : run.secrets) {
            assertThat(response.bodyText()).doesNotContain(secret);
            assertThat(challenge == null ? "" : challenge).doesNotContain(secret);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The flood

    private static TestHttpResponse unknownKidFlood(Run run) {
        Duration interval = KeySetCache.Timing.DEFAULT.unknownKidInterval();
        assertThat(run.bearer(run.token().sign()).getStatusCode()).as("a real token warms the cache").isEqualTo(200);
        assertThat(run.app.jwks.requestCount()).isEqualTo(1);
        Instant start = run.now();
        TestHttpResponse last = null;
        for (int i = 0; i < 1000; i++) {
            if (i >= 500) {
                // The second half arrives over five intervals: a hundredth of an interval apart.
                run.app.clock.advance(interval.dividedBy(100));
            }
            last = run.bearer(run.token().header("kid", "flood-" + i).signedWithoutKidChange(ATTACKER).sign());
            assertThat(last.getStatusCode()).isEqualTo(401);
            if (i == 499) {
                assertThat(run.app.jwks.requestCount()).as("500 unknown kids at one instant: no fetch").isEqualTo(1);
            }
            if (i % 100 == 99) {
                assertThat(run.bearer(run.token().sign()).getStatusCode()).as("real keys keep working")
                        .isEqualTo(200);
            }
        }
        long intervals = Duration.between(start, run.now()).dividedBy(interval);
        assertThat(intervals).isEqualTo(5);
        assertThat(run.app.jwks.requestCount()).as("at most one fetch per unknown-kid interval")
                .isLessThanOrEqualTo(1 + (int) intervals);
        assertThat(run.bearer(run.token().sign()).getStatusCode()).as("real keys work after the flood")
                .isEqualTo(200);
        run.handled.clear();
        return last;
    }

    // ---------------------------------------------------------------------------------------------------------
    // One case and its run

    /** The attack's request(s); returns the response the expectations apply to. */
    @FunctionalInterface
    interface Probe {
        TestHttpResponse send(Run run) throws Exception;
    }

    /**
     * One named attack and the answer it must get.
     *
     * @param fetches requests the tenant's key endpoint must have had, or {@code null} when the probe checks
     */
    record Attack(String name, int status, String code, Integer fetches, Probe probe) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Attack attack(String name, int status, String code, int fetches, Probe probe) {
        return new Attack(name, status, code, fetches, probe);
    }

    private static Attack allowed(String name, Probe probe) {
        return new Attack(name, 200, null, ONE_FETCH, probe);
    }

    /** An Easy Auth principal header alone, sent where Easy Auth is proven to run. */
    private static Attack principal(String name, int status, String code, String headerValue) {
        return attack(name, status, code, NO_FETCH, r -> r.trustEasyAuth()
                .send(TestHttpRequest.get("/api/hello").header(PRINCIPAL, headerValue)));
    }

    /** A fresh app and an attacker's key endpoint; records what was sent, logged and handled. */
    static final class Run implements AutoCloseable {
        final GuardedApp app;
        final JwksServer attacker;
        final List<TestContext> contexts = new ArrayList<>();
        final Set<String> secrets = new LinkedHashSet<>();
        final List<VerifiedCaller> handled = new ArrayList<>();
        private final CryptoChoice crypto;
        private CallerGuard guard;

        Run(CryptoChoice crypto) throws IOException {
            this.crypto = crypto;
            app = new GuardedApp();
            app.settings.put(GuardSettings.CRYPTO, crypto.name().toLowerCase(java.util.Locale.ROOT));
            attacker = JwksServer.start(ATTACKER_AS_REAL_KID);
        }

        TestTokens token() {
            return app.token();
        }

        Instant now() {
            return app.clock.instant();
        }

        long epoch() {
            return now().getEpochSecond();
        }

        Run setting(String name, String value) {
            assertThat(guard).as("settings are changed before the first request").isNull();
            app.settings.put(name, value);
            return this;
        }

        Run trustEasyAuth() {
            return setting(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        }

        TestHttpResponse bearer(String token) {
            return send(TestHttpRequest.get("/api/hello").bearer(token));
        }

        TestHttpResponse send(TestHttpRequest request) {
            if (guard == null) {
                GuardRuntime runtime = app.runtime();
                // The battery runs under each provider: make sure this run's check verifies with the one asked for.
                runtime.check().ifPresent(check -> assertThat(check.signatureProvider().provider().getName())
                        .isEqualTo(TestSignatures.provider(crypto).provider().getName()));
                guard = CallerGuard.over(runtime);
            }
            request.getHeaders().forEach((name, value) -> {
                // Unicode case folding on purpose here: a lookalike name's value is a credential to look for too.
                if (name.equalsIgnoreCase("authorization")) {
                    String token = value.strip().replaceFirst("^[Bb][Ee][Aa][Rr][Ee][Rr]\\s+", "");
                    secret(value);
                    secret(token);
                    secret(token.substring(token.lastIndexOf('.') + 1));
                } else if (name.equalsIgnoreCase(PRINCIPAL)) {
                    secret(value);
                }
            });
            TestContext context = new TestContext("hello");
            contexts.add(context);
            return (TestHttpResponse) guard.handle(request, context, caller -> {
                handled.add(caller);
                return request.createResponseBuilder(HttpStatus.OK).body("handled").build();
            });
        }

        /** Values shorter than 16 characters could occur in a log line by chance and are not looked for. */
        private void secret(String value) {
            if (value.strip().length() >= 16) {
                secrets.add(value.strip());
            }
        }

        List<String> contextLines() {
            return contexts.stream().flatMap(c -> c.lines().stream()).toList();
        }

        @Override
        public void close() {
            attacker.close();
            app.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Token and principal shapes

    private static String segments(String token, int from, int to) {
        return String.join(".", Arrays.asList(token.split("\\.", -1)).subList(from, to));
    }

    private static String decode(String segment) {
        return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
    }

    private static String headerJson(TestTokens token) {
        return decode(segments(token.unsigned(), 0, 1));
    }

    private static String claimsJson(TestTokens token) {
        return decode(segments(token.unsigned(), 1, 2));
    }

    /** {@code fragment} inserted as the first member(s) of a JSON object's text. */
    private static String insert(String objectJson, String fragment) {
        String rest = objectJson.substring(1).strip();
        return "{" + fragment + (rest.equals("}") ? "" : ",") + rest;
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** Header and payload text signed with SHA256withRSA by the tenant's key: valid except for the text. */
    private static String signRaw(String headerJson, String payloadJson) {
        return TestTokens.signRaw(headerJson, payloadJson, TestKeys.PRIMARY);
    }

    /** Header and payload bytes as given (any encoding), signed by the tenant's key. */
    private static String signBytes(byte[] header, byte[] payload) {
        String signingInput = B64URL.encodeToString(header) + "." + B64URL.encodeToString(payload);
        return signingInput + "." + B64URL.encodeToString(TestTokens.sign(signingInput,
                TestKeys.PRIMARY.pair().getPrivate(), "SHA256withRSA"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON text as UTF-8, with the '-' of {@code guid} written as the invalid overlong sequence C0 AD. */
    private static byte[] overlongHyphens(String json, String guid) {
        String marked = json.replace(guid, guid.replace('-', '\u0001'));
        assertThat(marked).isNotEqualTo(json);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte b : utf8(marked)) {
            if (b == 1) {
                out.write(0xC0);
                out.write(0xAD);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** The JSON text as UTF-8 with one byte inserted right after the first occurrence of {@code after}. */
    private static byte[] withByte(String json, String after, byte inserted) {
        int at = utf8(json.substring(0, json.indexOf(after) + after.length())).length;
        byte[] bytes = utf8(json);
        byte[] result = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, result, 0, at);
        result[at] = inserted;
        System.arraycopy(bytes, at, result, at + 1, bytes.length - at);
        return result;
    }

    private static String withHeaderText(String token, String headerText) {
        return TestTokens.encode(headerText) + token.substring(token.indexOf('.'));
    }

    private static String withSignature(String unsigned, byte[] signature) {
        return unsigned + B64URL.encodeToString(signature);
    }

    private static String replaceSignatureChar(String token, int offset, char replacement) {
        int at = token.lastIndexOf('.') + 1 + offset;
        return token.substring(0, at) + replacement + token.substring(at + 1);
    }

    /** The same signature bytes, with unused low bits set in the last character (256 bytes: 4 unused bits). */
    private static String nonCanonicalLastChar(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int signatureLength = token.length() - token.lastIndexOf('.') - 1;
        assertThat(signatureLength % 4).isEqualTo(2);
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        assertThat(last & 0x0F).isZero();
        String changed = token.substring(0, token.length() - 1) + alphabet.charAt(last | 0x01);
        String signature = segments(changed, 2, 3);
        assertThat(Base64.getUrlDecoder().decode(signature))
                .as("Java's decoder ignores the unused bits").isEqualTo(Base64.getUrlDecoder()
                        .decode(segments(token, 2, 3)));
        return changed;
    }

    private static String hs256(TestTokens token, byte[] key) throws GeneralSecurityException {
        String unsigned = token.header("alg", "HS256").unsigned();
        byte[] input = unsigned.substring(0, unsigned.length() - 1).getBytes(StandardCharsets.US_ASCII);
        byte[] mac;
        if (key.length == 0) {
            // SecretKeySpec refuses an empty key; HMAC pads a short key with zeros to the block size, so one
            // zero byte is the same key. Checked against RFC 2104 computed by hand.
            mac = hmacSha256(new byte[] {0}, input);
            assertThat(mac).isEqualTo(rfc2104HmacSha256(new byte[0], input));
        } else {
            mac = hmacSha256(key, input);
        }
        return withSignature(unsigned, mac);
    }

    private static byte[] hmacSha256(byte[] key, byte[] input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(input);
    }

    /** HMAC-SHA256 as RFC 2104 defines it, for keys of at most one block (including the empty key). */
    private static byte[] rfc2104HmacSha256(byte[] key, byte[] input) throws GeneralSecurityException {
        byte[] block = Arrays.copyOf(key, 64);
        byte[] inner = new byte[64];
        byte[] outer = new byte[64];
        for (int i = 0; i < 64; i++) {
            inner[i] = (byte) (block[i] ^ 0x36);
            outer[i] = (byte) (block[i] ^ 0x5c);
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(inner);
        byte[] innerHash = sha256.digest(input);
        sha256.update(outer);
        return sha256.digest(innerHash);
    }

    private static String ps256(TestTokens token) throws GeneralSecurityException {
        String unsigned = token.unsigned();
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(TestKeys.PRIMARY.pair().getPrivate());
        pss.update(unsigned.substring(0, unsigned.length() - 1).getBytes(StandardCharsets.US_ASCII));
        return withSignature(unsigned, pss.sign());
    }

    private static String es256(TestTokens token) throws GeneralSecurityException {
        String unsigned = token.unsigned();
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initSign(EC_KEYS.getPrivate());
        ecdsa.update(unsigned.substring(0, unsigned.length() - 1).getBytes(StandardCharsets.US_ASCII));
        return withSignature(unsigned, ecdsa.sign());
    }

    private static String x5c() {
        try {
            return Base64.getEncoder().encodeToString(
                    TestCertificates.selfSigned(ATTACKER.pair(), "attacker").getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestHttpRequest principalIdOnly() {
        return TestHttpRequest.get("/api/hello")
                .header("X-MS-CLIENT-PRINCIPAL-ID", TestIds.ALLOWED_CALLER)
                .header("X-MS-CLIENT-PRINCIPAL-NAME", "apim")
                .header("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decoded(TestPrincipals principal) {
        return new String(Base64.getDecoder().decode(principal.encode()), StandardCharsets.UTF_8);
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The HMAC keys of the confusion cases and every test private key, in the encodings a leak would show. */
    private static List<String> keySecrets() {
        List<String> secrets = new ArrayList<>();
        secrets.add(PUBLIC_PEM);
        secrets.add(PUBLIC_PEM.strip());
        secrets.add(Base64.getEncoder().encodeToString(PUBLIC_DER));
        secrets.add(B64URL.encodeToString(PUBLIC_DER));
        secrets.add(PUBLIC_JWK);
        for (KeyPair pair : List.of(TestKeys.PRIMARY.pair(), TestKeys.SECONDARY.pair(), ATTACKER.pair(), EC_KEYS)) {
            byte[] encoded = pair.getPrivate().getEncoded();
            secrets.add(Base64.getEncoder().encodeToString(encoded));
            secrets.add(B64URL.encodeToString(encoded));
            secrets.add(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded).substring(0, 64));
        }
        return List.copyOf(secrets);
    }
}
