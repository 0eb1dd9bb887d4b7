package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.CallerSource;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.CallerCheckFuzzTest;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.FuzzedCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Fuzzes credential reading end to end: the fuzzer's bytes are the claims JSON or the header JSON of a token that
 * the fuzz key signs over exactly those bytes, or the JSON of an Easy Auth principal, and go through
 * {@link CallerCheck#decide} with the test settings, the fuzz key and a fixed clock. The invariants:
 * <ul>
 *   <li>the check never throws, and answers {@code Allowed} or a 400/401/403 refusal, never 503 (the keys are
 *       good);</li>
 *   <li>JSON that is not strict by an independent reading ({@link #strictReading}: a Jackson tree under the same
 *       rules) is refused as malformed: the check is never more lenient than that reading;</li>
 *   <li>JSON that is strict by that reading gets exactly the decision of Jackson's re-serialization of the tree:
 *       the check reads every strict text, and reads it to the same values;</li>
 *   <li>the check allows only what the oracles of {@link CallerCheckFuzzTest} find acceptable, naming that caller;
 *       an allowed token's claims are the independent reading's, in the same order.</li>
 * </ul>
 * {@code mvn verify} runs the seeds in {@code callerguard/src/test/resources/dev/callerguard/internal/credentials/
 * CredentialReadingFuzzTestInputs};
 * {@code scripts/fuzz.sh 10 CredentialReadingFuzzTest#tokenClaims} fuzzes (also {@code #tokenHeader},
 * {@code #principal}).
 */
class CredentialReadingFuzzTest {
    private static final String[] GOOD_TOKEN = FuzzedCredentials.GOOD_V1_TOKEN.split("\\.");
    private static final byte[] GOOD_HEADER = Base64.getUrlDecoder().decode(GOOD_TOKEN[0]);
    private static final byte[] GOOD_CLAIMS = Base64.getUrlDecoder().decode(GOOD_TOKEN[1]);

    /**
     * The oracle's reading: a Jackson tree, not the streaming reader under test, with duplicate names and trailing
     * data refused, the same bounds, and names not canonicalized (else many names of one hash fail the oracle).
     */
    private static final ObjectMapper ORACLE = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(StrictJson.MAX_NESTING)
                    .maxNumberLength(StrictJson.MAX_NUMBER_LENGTH)
                    .maxStringLength(StrictJson.MAX_STRING_LENGTH)
                    .maxNameLength(StrictJson.MAX_STRING_LENGTH)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @FuzzTest
    void tokenClaims(byte[] json) {
        assertTokenReading(json, claims -> signed(GOOD_HEADER, claims), json);
    }

    @FuzzTest
    void tokenHeader(byte[] json) {
        assertTokenReading(json, header -> signed(header, GOOD_CLAIMS), GOOD_CLAIMS);
    }

    @FuzzTest
    void principal(byte[] json) {
        String header = Base64.getEncoder().encodeToString(json);

        Decision decision = CallerCheckFuzzTest.decide(CallerCheckFuzzTest.WITH_EASY_AUTH, null, header);

        assertAllowedOrRefusedWithoutUnavailable(decision);
        Optional<JsonNode> reading = strictReading(json);
        assertReadAsTheOracleReads(json, reading);
        if (header.length() > EasyAuthPrincipalParser.MAX_LENGTH || reading.isEmpty()) {
            assertRefusedAs(decision, Refusal.MALFORMED_PRINCIPAL, json);
            return;
        }
        assertDecidedAsReSerialized(decision, json, Base64.getEncoder().encodeToString(write(reading.get())),
                EasyAuthPrincipalParser.MAX_LENGTH,
                canonical -> CallerCheckFuzzTest.decide(CallerCheckFuzzTest.WITH_EASY_AUTH, null, canonical));
        if (decision instanceof Decision.Allowed allowed) {
            assertThat(allowed.caller().source()).isEqualTo(CallerSource.EASY_AUTH);
            assertThat(CallerCheckFuzzTest.acceptablePrincipalOid(header))
                    .as("principal accepted although its claims do not pass: %s", printable(json))
                    .contains(allowed.caller().objectId());
        }
    }

    /**
     * Decides on the token {@code signedWith} makes of the fuzzed JSON (as its header or its claims, signed over
     * exactly what is sent) and asserts the invariants; {@code claims} is the token's claims JSON.
     */
    private static void assertTokenReading(byte[] json, Function<byte[], String> signedWith, byte[] claims) {
        String authorization = "Bearer " + signedWith.apply(json);

        Decision decision = CallerCheckFuzzTest.decide(CallerCheckFuzzTest.BEARER_ONLY, authorization, null);

        assertAllowedOrRefusedWithoutUnavailable(decision);
        Optional<JsonNode> reading = strictReading(json);
        assertReadAsTheOracleReads(json, reading);
        if (authorization.length() > BearerAuthorization.MAX_HEADER_LENGTH) {
            assertRefusedAs(decision, Refusal.AUTHORIZATION_TOO_LARGE, json);
            return;
        }
        String token = authorization.substring("Bearer ".length());
        if (reading.isEmpty()) {
            assertRefusedAs(decision, Refusal.MALFORMED_TOKEN, json);
            return;
        }
        if (decision instanceof Decision.Refused refused) {
            assertThat(refused.refusal()).as("strict JSON refused as malformed: %s", printable(json))
                    .isNotEqualTo(Refusal.MALFORMED_TOKEN);
        }
        assertDecidedAsReSerialized(decision, json, "Bearer " + signedWith.apply(write(reading.get())),
                BearerAuthorization.MAX_HEADER_LENGTH,
                canonical -> CallerCheckFuzzTest.decide(CallerCheckFuzzTest.BEARER_ONLY, canonical, null));
        if (decision instanceof Decision.Allowed allowed) {
            assertThat(allowed.caller().source()).isEqualTo(CallerSource.BEARER);
            assertThat(CallerCheckFuzzTest.acceptableTokenOid(token))
                    .as("accepted a token whose header or claims do not pass: %s", token)
                    .contains(allowed.caller().objectId());
            Map<String, Object> expected = presentMembers(strictReading(claims).orElseThrow());
            assertThat(allowed.caller().claims()).as("claims of %s", printable(claims))
                    .isEqualTo(expected).hasToString(expected.toString());
        }
    }

    /**
     * Strict JSON is decided as the header value carrying Jackson's re-serialization of its reading is, unless that
     * value is over the header's length limit (a number such as {@code 1e5} is written {@code 100000.0}).
     */
    private static void assertDecidedAsReSerialized(Decision decision, byte[] json, String reSerialized,
                                                    int maxLength, Function<String, Decision> decide) {
        if (reSerialized.length() <= maxLength) {
            assertThat(decision).as("decision on %s against its re-serialization", printable(json))
                    .isEqualTo(decide.apply(reSerialized));
        }
    }

    private static void assertAllowedOrRefusedWithoutUnavailable(Decision decision) {
        assertThat(decision).isNotNull();
        if (!(decision instanceof Decision.Allowed)) {
            CallerCheckFuzzTest.assertRefusedWithoutUnavailable(decision);
        }
    }

    private static void assertRefusedAs(Decision decision, Refusal refusal, byte[] input) {
        assertThat(decision).as("decision on %s", printable(input)).isInstanceOf(Decision.Refused.class);
        assertThat(((Decision.Refused) decision).refusal()).as("refusal of %s", printable(input)).isEqualTo(refusal);
    }

    /**
     * The JSON object {@code json} holds when it is strict, else empty: UTF-8 that survives a round trip through
     * {@link String} (no invalid or overlong sequences, no encoded surrogates) and has no byte-order mark; one object
     * by {@link #ORACLE}; no string or name that is not well-formed UTF-16 (a lone surrogate does not survive a round
     * trip through UTF-8); no number beyond a double's range.
     */
    static Optional<JsonNode> strictReading(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        boolean byteOrderMark = json.length >= 3 && (json[0] & 0xFF) == 0xEF && (json[1] & 0xFF) == 0xBB
                && (json[2] & 0xFF) == 0xBF;
        if (byteOrderMark || !Arrays.equals(text.getBytes(StandardCharsets.UTF_8), json)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = ORACLE.readTree(text);
        } catch (Exception e) {
            return Optional.empty();
        }
        return node != null && node.isObject() && strictValues(node) ? Optional.of(node) : Optional.empty();
    }

    private static boolean strictValues(JsonNode node) {
        if (node.isTextual()) {
            return wellFormed(node.textValue());
        }
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue());
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!wellFormed(member.getKey()) || !strictValues(member.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!strictValues(element)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean wellFormed(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
    }

    /**
     * What the differential fuzz test of the parser this reader replaced asserted, without its exceptions: the
     * reader accepts exactly the strict texts, and reads each to the oracle's values, in the same order.
     */
    private static void assertReadAsTheOracleReads(byte[] json, Optional<JsonNode> reading) {
        Optional<Map<String, Object>> read;
        try {
            read = Optional.of(StrictJson.object(json, Refusal.MALFORMED_TOKEN));
        } catch (MalformedCredentialException e) {
            read = Optional.empty();
        }
        Optional<Map<String, Object>> expected = reading.map(CredentialReadingFuzzTest::plain);
        assertThat(read).as("reading of %s", printable(json)).isEqualTo(expected);
        assertThat(read.map(Map::toString)).as("order of %s", printable(json)).isEqualTo(expected.map(Map::toString));
    }

    /** The oracle's reading as plain Java values: maps, lists, strings, numbers, booleans and nulls. */
    private static Map<String, Object> plain(JsonNode object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> members = ORACLE.convertValue(object, LinkedHashMap.class);
        return members;
    }

    /** The reading as the check hands claims to a function: members whose value is null left out. */
    private static Map<String, Object> presentMembers(JsonNode object) {
        Map<String, Object> members = plain(object);
        members.values().removeIf(value -> value == null);
        return members;
    }

    private static byte[] write(JsonNode node) {
        try {
            return ORACLE.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS of these header and claims bytes, signed by the fuzz key over exactly their encoding. */
    private static String signed(byte[] header, byte[] claims) {
        Base64.Encoder base64Url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64Url.encodeToString(header) + "." + base64Url.encodeToString(claims);
        return signingInput + "." + base64Url.encodeToString(FuzzedCredentials.sign(signingInput));
    }

    private static String printable(byte[] json) {
        StringBuilder text = new StringBuilder();
        for (byte b : json) {
            int c = b & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return text.toString();
    }
}
