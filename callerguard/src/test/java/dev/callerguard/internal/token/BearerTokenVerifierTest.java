package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSignatures;
import dev.callerguard.testing.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BearerTokenVerifier} end to end: structure, header, claim types and signature, with the tenant's keys
 * behind a real key endpoint. Every token starts from {@link TestTokens#valid} and changes one thing.
 */
class BearerTokenVerifierTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private JwksServer server;
    private BearerTokenVerifier verifier;

    @BeforeEach
    void startKeyEndpoint() throws IOException {
        server = JwksServer.start(TestKeys.PRIMARY);
        verifier = new BearerTokenVerifier(new KeySetCache(new JwksKeySetSource(server.keysUrl()),
                new MutableClock(NOW), KeySetCache.Timing.DEFAULT), TestSignatures.rs256(CryptoChoice.AUTO));
    }

    @AfterEach
    void stopKeyEndpoint() {
        server.close();
    }

    private static TestTokens token() {
        return TestTokens.valid(NOW);
    }

    // --- accepted --------------------------------------------------------------------------------------------

    @Test
    void returnsTheClaimsOfAValidV1Token() {
        BearerTokenVerifier.Result result = verifier.verify(token().sign());

        assertThat(result.refusal()).isNull();
        CallerClaims claims = result.claims();
        assertThat(claims.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(claims.tenantId()).contains(TestIds.TENANT);
        assertThat(claims.audiences()).containsExactly(TestIds.API_APP_ID_URI);
        assertThat(claims.appId()).contains(TestIds.ALLOWED_CALLER_APP);
        assertThat(claims.expiresAt()).contains(NOW.getEpochSecond() - 60 + 3600);
    }

    @Test
    void returnsTheClaimsOfAValidV2Token() {
        BearerTokenVerifier.Result result = verifier.verify(TestTokens.validV2(NOW).sign());

        assertThat(result.refusal()).isNull();
        assertThat(result.claims().audiences()).containsExactly(TestIds.API_CLIENT_ID);
        assertThat(result.claims().appId()).contains(TestIds.ALLOWED_CALLER_APP);
    }

    @Test
    void returnsTheRolesOfAValidToken() {
        BearerTokenVerifier.Result result = verifier.verify(token().roles("Reports.Read", "Reports.Write").sign());

        assertThat(result.claims().roles()).containsExactly("Reports.Read", "Reports.Write");
    }

    @Test
    void acceptsAValidTokenCarryingAClaimWhoseValueIsNull() {
        BearerTokenVerifier.Result result = verifier.verify(withNullClaim(token(), "xms_cc", TestKeys.PRIMARY));

        assertThat(result.refusal()).isNull();
        assertThat(result.claims().objectId()).contains(TestIds.ALLOWED_CALLER);
    }

    // --- structure -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", ".e30.", "e30..."})
    void refusesATokenThatIsNotThreeSegments(String token) {
        assertThat(verifier.verify(token).refusal()).isEqualTo(Refusal.MALFORMED_TOKEN);
    }

    @Test
    void refusesASignatureTruncatedByOneCharacterAsMalformed() {
        String token = token().sign();

        assertThat(verifier.verify(token.substring(0, token.length() - 1)).refusal())
                .isEqualTo(Refusal.MALFORMED_TOKEN);
    }

    @Test
    void refusesAPayloadThatIsNotJson() {
        String token = TestTokens.signRaw("{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.PRIMARY.kid() + "\"}",
                "not json", TestKeys.PRIMARY);

        assertThat(verifier.verify(token).refusal()).isEqualTo(Refusal.MALFORMED_TOKEN);
    }

    // --- header ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE"})
    void refusesAlgNoneInAnyCase(String none) {
        assertThat(verifier.verify(token().header("alg", none).unsigned()).refusal()).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesHs256SignedWithThePublicKeyAsHmacSecret() {
        String token = hs256SignedWith(TestKeys.PRIMARY.publicKey().getEncoded(), token().header("alg", "HS256"));

        assertThat(verifier.verify(token).refusal()).isEqualTo(Refusal.ALGORITHM);
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"RS384", "PS256", "ES256"})
    void refusesAnotherAlgorithm(String alg) {
        assertThat(verifier.verify(token().header("alg", alg).sign()).refusal()).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesTheHeaderBeforeReadingTheClaims() {
        String token = token().header("alg", "none").claim("oid", 42).unsigned();

        assertThat(verifier.verify(token).refusal()).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAnAlgThatIsNotAString() {
        assertThat(verifier.verify(token().header("alg", List.of("RS256")).sign()).refusal())
                .isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAMissingAlg() {
        assertThat(verifier.verify(token().header("alg", null).sign()).refusal()).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAMissingKid() {
        assertThat(verifier.verify(token().header("kid", null).sign()).refusal()).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesAKidThatIsNotAString() {
        assertThat(verifier.verify(token().header("kid", 7).sign()).refusal()).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesAnOverLongKid() {
        String tooLong = "k".repeat(JwsSignatureVerifier.MAX_KID_LENGTH + 1);

        assertThat(verifier.verify(token().header("kid", tooLong).sign()).refusal()).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesCriticalHeaderParameters() {
        assertThat(verifier.verify(token().header("crit", List.of("b64")).header("b64", false).sign()).refusal())
                .isEqualTo(Refusal.CRITICAL_HEADER);
    }

    @Test
    void refusesANestedToken() {
        assertThat(verifier.verify(token().header("cty", "JWT").sign()).refusal()).isEqualTo(Refusal.NESTED_TOKEN);
    }

    // --- claims ----------------------------------------------------------------------------------------------

    @Test
    void refusesAClaimOfTheWrongType() {
        assertThat(verifier.verify(token().claim("exp", "tomorrow").sign()).refusal())
                .isEqualTo(Refusal.MALFORMED_CLAIMS);
    }

    // --- keys and signature ----------------------------------------------------------------------------------

    @Test
    void refusesAKidThatIsNotOneOfTheTenantKeys() {
        assertThat(verifier.verify(token().signedBy(TestKeys.OTHER).sign()).refusal())
                .isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void reportsKeysUnavailableWhenTheKeyEndpointFails() {
        server.serveRaw(500, "{}");

        BearerTokenVerifier.Result result = verifier.verify(token().sign());

        assertThat(result.refusal()).isEqualTo(Refusal.KEYS_UNAVAILABLE);
        assertThat(result.claims()).isNull();
    }

    @Test
    void refusesATokenSignedByAnotherKeyUnderTheTenantKid() {
        BearerTokenVerifier.Result result = verifier.verify(token().signedWithoutKidChange(TestKeys.OTHER).sign());

        assertThat(result.refusal()).isEqualTo(Refusal.SIGNATURE);
        assertThat(result.claims()).isNull();
    }

    @Test
    void refusesAFlippedSignatureByte() {
        String token = token().sign();
        byte[] signature = signatureOf(token);
        signature[0] ^= 0x01;

        assertThat(verifier.verify(withSignature(token, signature)).refusal()).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesASignatureTruncatedByOneByte() {
        String token = token().sign();
        byte[] signature = signatureOf(token);

        assertThat(verifier.verify(withSignature(token, Arrays.copyOf(signature, signature.length - 1))).refusal())
                .isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesAnEmptySignature() {
        assertThat(verifier.verify(token().unsigned()).refusal()).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesAForgedTokenCarryingAClaimWhoseValueIsNull() {
        String forged = withNullClaim(token(), "xms_cc", TestKeys.OTHER);

        assertThat(verifier.verify(forged).refusal()).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void neverUsesAKeyEmbeddedInJwk() {
        String token = token().header("jwk", TestKeys.OTHER.jwk()).signedWithoutKidChange(TestKeys.OTHER).sign();

        assertThat(verifier.verify(token).refusal()).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void neverFetchesTheKeySetNamedInJku() throws IOException {
        try (JwksServer attacker = JwksServer.start(TestKeys.OTHER)) {
            String token = token().header("jku", attacker.keysUrl().toString()).signedBy(TestKeys.OTHER).sign();

            BearerTokenVerifier.Result result = verifier.verify(token);

            assertThat(result.refusal()).isEqualTo(Refusal.UNKNOWN_KEY);
            assertThat(attacker.requestCount()).isZero();
        }
    }

    /** The token's header and claims plus {@code "name": null}, signed by {@code signer} (a map cannot hold it). */
    private static String withNullClaim(TestTokens token, String name, TestKeys signer) {
        String[] parts = token.unsigned().split("\\.", -1);
        try {
            ObjectNode claims = (ObjectNode) MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            claims.putNull(name);
            return TestTokens.signRaw(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8),
                    MAPPER.writeValueAsString(claims), signer);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token's header and payload with an HS256 signature computed with {@code secret}. */
    private static String hs256SignedWith(byte[] secret, TestTokens token) {
        String unsigned = token.unsigned();
        String signingInput = unsigned.substring(0, unsigned.length() - 1);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] signatureOf(String token) {
        return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    }

    private static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }
}
