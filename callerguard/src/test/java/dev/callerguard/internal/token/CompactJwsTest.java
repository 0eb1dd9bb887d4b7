package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

        assertThat(jws.header().get("alg")).isEqualTo("RS256");
        assertThat(jws.header().get("kid")).isEqualTo(TestKeys.PRIMARY.kid());
        assertThat(jws.signature()).hasSize(256);
        assertThat(new String(jws.signingInput(), StandardCharsets.US_ASCII))
                .isEqualTo(token.substring(0, token.lastIndexOf('.')));
    }

    @Test
    void keepsThePayloadAsItsDecodedBytes() throws Exception {
        CompactJws jws = CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE);

        assertThat(new String(jws.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"oid\":\"" + TestIds.ALLOWED_CALLER + "\"}");
        assertThat(jws.signature()).isEqualTo("sig".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsThePayloadAsClaims() throws Exception {
        CompactJws jws = CompactJws.parse(token());

        assertThat(TokenClaimsReader.read(jws.payload()).objectId()).contains(TestIds.ALLOWED_CALLER);
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
    void theClaimsReaderRefusesAPayloadThatIsNotAJsonObject() throws Exception {
        CompactJws jws = CompactJws.parse(HEADER + "." + TestTokens.encode("\"oid\"") + "." + SIGNATURE);

        assertMalformed(() -> TokenClaimsReader.read(jws.payload()));
    }

    @Test
    void acceptsATokenOfExactlyTheMaximumLength() throws Exception {
        String prefix = HEADER + "." + PAYLOAD + ".";
        String token = prefix + repeat('A', CompactJws.MAX_LENGTH - prefix.length());

        assertThat(CompactJws.parse(token).signature()).hasSize((CompactJws.MAX_LENGTH - prefix.length()) * 3 / 4);
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

    @Test
    void parsesEveryHeaderForItsOwnBytes() throws Exception {
        String other = header("{\"alg\":\"RS256\",\"kid\":\"k2\"}");
        String duplicated = header("{\"alg\":\"RS256\",\"kid\":\"k\",\"kid\":\"k\"}");

        assertThat(CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE).header()).containsEntry("kid", "k");
        assertThat(CompactJws.parse(other + "." + PAYLOAD + "." + SIGNATURE).header()).containsEntry("kid", "k2");
        assertMalformed(() -> CompactJws.parse(duplicated + "." + PAYLOAD + "." + SIGNATURE));
        assertThat(CompactJws.parse(HEADER + "." + PAYLOAD + "." + SIGNATURE).header()).containsEntry("kid", "k");
    }

    @Test
    void refusesAnEmptyPayloadOrSignatureSegmentOnlyWhereItIsRead() throws Exception {
        assertMalformed(() -> TokenClaimsReader.read(CompactJws.parse(HEADER + ".." + SIGNATURE).payload()));
        assertThat(CompactJws.parse(HEADER + "." + PAYLOAD + ".").signature()).isEmpty();
    }

    private static String header(String json) {
        return TestTokens.encode(json);
    }
}
