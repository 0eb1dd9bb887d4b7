package dev.callerguard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callerguard.testing.Concurrently;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwsTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final String HEADER = TestTokens.encode("{\"alg\":\"RS256\",\"kid\":\"k\"}");
    private static final String PAYLOAD = TestTokens.encode("{\"oid\":\"" + TestIds.ALLOWED_CALLER + "\"}");
    private static final String SIGNATURE = "c2ln";

    private static String token() {
        return TestTokens.valid(NOW).sign();
    }

    private static void assertMalformed(ThrowingCallable parse) {
        assertThatThrownBy(parse).isInstanceOfSatisfying(MalformedCredentialException.class,
                e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_TOKEN));
    }

    private static String repeat(char c, int count) {
        return String.valueOf(c).repeat(count);
    }

    @Test
    void splitsASignedTokenIntoHeaderPayloadAndSignature() throws Exception {
        String token = token();

        CompactJws jws = CompactJws.parse(token);

        assertThat(jws.token()).isEqualTo(token);
        assertThat(jws.header().get("alg")).isEqualTo("RS256");
        assertThat(jws.header().get("kid")).isEqualTo(TestKeys.PRIMARY.kid());
        assertThat(jws.signature()).hasSize(256);
        assertThat(jws.signingInputEnd()).isEqualTo(token.lastIndexOf('.'));
    }

    @Test
    void parsesATokenThatStartsInsideTheText() throws Exception {
        String token = token();
        String header = "Bearer " + token;

        CompactJws jws = CompactJws.parse(header, "Bearer ".length());

        assertThat(jws.token()).isEqualTo(token);
        assertThat(jws.start()).isEqualTo("Bearer ".length());
        assertThat(jws.signingInputEnd()).isEqualTo(header.lastIndexOf('.'));
        assertThat(jws.header().get("kid")).isEqualTo(TestKeys.PRIMARY.kid());
    }

    @Test
    void refusesATokenWhoseHeaderSegmentIsEmptyAfterTheStart() {
        assertMalformed(() -> CompactJws.parse("Bearer ." + PAYLOAD + "." + SIGNATURE, "Bearer ".length()));
    }

    @Test
    void readsThePayloadAsClaims() throws Exception {
        CompactJws jws = CompactJws.parse(token());

        assertThat(jws.claims().get("oid")).isEqualTo(TestIds.ALLOWED_CALLER);
    }

    @Test
    void leavesAnEmptySignatureForTheSignatureLayer() throws Exception {
        assertThat(CompactJws.parse(TestTokens.valid(NOW).unsigned()).signature()).isEmpty();
    }

    @Test
    void refusesTwoSegments() {
        assertMalformed(() -> CompactJws.parse(HEADER + "." + PAYLOAD));
    }

    @Test
    void refusesFourSegments() {
        assertMalformed(() -> CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE + "." + SIGNATURE));
    }

    @Test
    void refusesAnEmptyHeader() {
        assertMalformed(() -> CompactJws.parse("." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void refusesAnEmptyString() {
        assertMalformed(() -> CompactJws.parse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00.a.b", "eyJh\uD83D\uDE00.a.b", "a.b.\uD83D\uDE00",
        "a.\uD83D\uDE00\uD83D\uDE00.b", "\u00e9yJh.a.b", "\u0100yJh.a.b"})
    void refusesCharactersBeyondAsciiWithoutLosingPositions(String token) {
        assertMalformed(() -> CompactJws.parse(token));
    }

    @Test
    void refusesPaddedBase64() {
        assertMalformed(() -> CompactJws.parse(HEADER + "." + PAYLOAD + "." + "c2k="));
    }

    @Test
    void refusesTheStandardBase64Alphabet() {
        assertMalformed(() -> CompactJws.parse(HEADER + "." + PAYLOAD + "+." + SIGNATURE));
    }

    @Test
    void refusesAHeaderThatIsNotJson() {
        assertMalformed(() -> CompactJws.parse(TestTokens.encode("alg=RS256") + "." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void refusesAHeaderThatIsAJsonArray() {
        assertMalformed(() -> CompactJws.parse(TestTokens.encode("[\"RS256\"]") + "." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void refusesAHeaderWithADuplicateKey() {
        String header = TestTokens.encode("{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"k\"}");

        assertMalformed(() -> CompactJws.parse(header + "." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void refusesAHeaderWithTrailingData() {
        String header = TestTokens.encode("{\"alg\":\"RS256\"}{}");

        assertMalformed(() -> CompactJws.parse(header + "." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void claimsRefusesAPayloadThatIsNotAJsonObject() throws Exception {
        CompactJws jws = CompactJws.parse(HEADER + "." + TestTokens.encode("\"oid\"") + "." + SIGNATURE);

        assertMalformed(jws::claims);
    }

    @Test
    void acceptsATokenOfExactlyTheMaximumLength() throws Exception {
        String prefix = HEADER + "." + PAYLOAD + ".";
        String token = prefix + repeat('A', CompactJws.MAX_LENGTH - prefix.length());

        assertThat(CompactJws.parse(token).token()).hasSize(CompactJws.MAX_LENGTH);
    }

    @Test
    void refusesATokenLongerThanTheMaximum() {
        String prefix = HEADER + "." + PAYLOAD + ".";
        String token = prefix + repeat('A', CompactJws.MAX_LENGTH + 1 - prefix.length());

        assertThatThrownBy(() -> CompactJws.parse(token))
                .isInstanceOfSatisfying(MalformedCredentialException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_TOKEN))
                .hasMessage("too long");
    }

    // The tests below see the headers CompactJws keeps for reuse, which all threads share: JUnit runs this
    // project's tests one at a time (no parallel execution is configured).

    @Test
    void tokensWithTheSameHeaderBytesShareOneParsedHeader() throws Exception {
        CompactJws first = CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE);
        CompactJws second = CompactJws.parse("Bearer " + HEADER + "." + TestTokens.encode("{}") + ".c2lnMg", 7);

        assertThat(second.header()).isSameAs(first.header());
        assertThat(second.header()).containsEntry("kid", "k");
    }

    @Test
    void anotherHeaderIsParsedForItsOwnBytes() throws Exception {
        CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE);
        String longer = header("{\"alg\":\"RS256\",\"kid\":\"k2\"}");
        String shorter = header("{\"alg\":\"RS256\"}");

        assertThat(CompactJws.parse(longer + "." + PAYLOAD + "." + SIGNATURE).header()).containsEntry("kid", "k2");
        assertThat(CompactJws.parse(shorter + "." + PAYLOAD + "." + SIGNATURE).header()).doesNotContainKey("kid");
        assertThat(CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE).header()).containsEntry("kid", "k");
    }

    @Test
    void aKeptHeaderDoesNotAnswerForItsPrefixOrAnExtension() throws Exception {
        CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE);

        assertMalformed(() -> CompactJws.parse(HEADER.substring(0, HEADER.length() - 1) + "." + PAYLOAD + "."
                + SIGNATURE));
        assertMalformed(() -> CompactJws.parse(HEADER + "AA." + PAYLOAD + "." + SIGNATURE));
        assertMalformed(() -> CompactJws.parse(HEADER.substring(1) + "." + PAYLOAD + "." + SIGNATURE));
    }

    @Test
    void aMalformedHeaderIsRefusedEveryTimeAndAGoodOneStillNeedsAGoodSignatureSegment() throws Exception {
        CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE);
        String duplicated = header("{\"alg\":\"RS256\",\"kid\":\"k\",\"kid\":\"k\"}");

        assertMalformed(() -> CompactJws.parse(duplicated + "." + PAYLOAD + "." + SIGNATURE));
        assertMalformed(() -> CompactJws.parse(duplicated + "." + PAYLOAD + "." + SIGNATURE));
        assertMalformed(() -> CompactJws.parse(HEADER + "." + PAYLOAD + ".c2ln="));
        assertMalformed(() -> CompactJws.parse(HEADER + ".e30=." + SIGNATURE));
    }

    @Test
    void keepsTheLastFewHeadersAndForgetsOlderOnes() throws Exception {
        List<String> headers = new ArrayList<>();
        for (int k = 0; k <= CompactJws.REMEMBERED_HEADERS; k++) {
            headers.add(header("{\"alg\":\"RS256\",\"kid\":\"rotation-" + k + "\"}"));
        }
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (String header : headers) {
            parsed.add(CompactJws.parse(header + "." + PAYLOAD + "." + SIGNATURE).header());
        }

        Map<String, Object> newest = CompactJws.parse(headers.get(CompactJws.REMEMBERED_HEADERS) + "." + PAYLOAD
                + "." + SIGNATURE).header();
        Map<String, Object> oldest = CompactJws.parse(headers.get(0) + "." + PAYLOAD + "." + SIGNATURE).header();

        assertThat(newest).isSameAs(parsed.get(CompactJws.REMEMBERED_HEADERS));
        assertThat(oldest).isNotSameAs(parsed.get(0)).isEqualTo(parsed.get(0));
    }

    @Test
    void aLongHeaderIsParsedEveryTime() throws Exception {
        String longHeader = header("{\"alg\":\"RS256\",\"kid\":\"k\",\"x\":\""
                + repeat('x', CompactJws.MAX_REMEMBERED_HEADER_LENGTH) + "\"}");

        Map<String, Object> first = CompactJws.parse(longHeader + "." + PAYLOAD + "." + SIGNATURE).header();
        Map<String, Object> second = CompactJws.parse(longHeader + "." + PAYLOAD + "." + SIGNATURE).header();

        assertThat(second).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void threadsParsingDifferentHeadersEachReadTheirOwn() throws Exception {
        boolean eachReadItsOwn = Concurrently.allTrue(2 * (CompactJws.REMEMBERED_HEADERS + 1), thread -> {
            String kid = "thread-" + (thread % (CompactJws.REMEMBERED_HEADERS + 2));
            String token = header("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}") + "." + PAYLOAD + "." + SIGNATURE;
            return () -> {
                for (int i = 0; i < 2_000; i++) {
                    if (!kid.equals(CompactJws.parse(token).header().get("kid"))) {
                        return false;
                    }
                }
                return true;
            };
        });

        assertThat(eachReadItsOwn).isTrue();
    }

    private static String header(String json) {
        return TestTokens.encode(json);
    }
}
