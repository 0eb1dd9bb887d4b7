package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSignatures;
import dev.callerguard.testing.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JwsSignatureVerifier} with the tenant's keys behind a real key endpoint. Every token starts from
 * {@link TestTokens#valid}, which this layer accepts, and changes one thing.
 */
class JwsSignatureVerifierTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private JwksServer server;
    private KeySetCache keys;
    private JwsSignatureVerifier verifier;

    @BeforeEach
    void startKeyEndpoint() throws IOException {
        server = JwksServer.start(TestKeys.PRIMARY);
        keys = new KeySetCache(new JwksKeySetSource(server.keysUrl()), new MutableClock(NOW),
                KeySetCache.Timing.DEFAULT);
        verifier = new JwsSignatureVerifier(keys, TestSignatures.rs256(CryptoChoice.AUTO));
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
    void acceptsATokenSignedWithRs256ByTheNamedTenantKey() {
        assertThat(verify(token().sign())).isNull();
    }

    @Test
    void acceptsAKidOfTheLongestAllowedLength() {
        TestKeys longKid = TestKeys.generate("k".repeat(JwsSignatureVerifier.MAX_KID_LENGTH));
        server.serve(TestKeys.PRIMARY, longKid);

        assertThat(verify(token().signedBy(longKid).sign())).isNull();
    }

    // --- algorithm -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void refusesAlgNoneInAnyCase(String none) {
        assertThat(verify(token().header("alg", none).unsigned())).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAlgNoneEvenWithAValidRs256Signature() {
        assertThat(verify(token().header("alg", "none").sign())).isEqualTo(Refusal.ALGORITHM);
    }

    @ParameterizedTest(name = "HMAC key: public key as {0}")
    @ValueSource(strings = {"DER", "PEM", "JWK n"})
    void refusesHs256SignedWithThePublicKeyAsHmacSecret(String form) {
        String token = hs256SignedWith(publicKeyAs(form), token().header("alg", "HS256"));

        assertThat(verify(token)).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAnAlgorithmWithoutLookingUpAnyKey() {
        String token = hs256SignedWith(publicKeyAs("DER"), token().header("alg", "HS256"));

        verify(token);

        assertThat(server.requestCount()).isZero();
        assertThat(keys.fetchCount()).isZero();
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"RS384", "RS512", "PS256", "ES256", "HS256", "EdDSA", "rs256", "RS256 ", " RS256", ""})
    void refusesAnyOtherAlgorithmNameEvenOverAValidRs256Signature(String alg) {
        assertThat(verify(token().header("alg", alg).sign())).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesRs384SignedWithRs384() {
        String token = token().header("alg", "RS384").signatureAlgorithm("SHA384withRSA").sign();

        assertThat(verify(token)).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAnAlgThatIsNotAString() {
        assertThat(verify(token().header("alg", List.of("RS256")).sign())).isEqualTo(Refusal.ALGORITHM);
        assertThat(verify(token().header("alg", 256).sign())).isEqualTo(Refusal.ALGORITHM);
        assertThat(verify(token().header("alg", Map.of("name", "RS256")).sign())).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAnAlgThatIsJsonNull() {
        String token = TestTokens.signRaw("{\"alg\":null,\"kid\":\"" + TestKeys.PRIMARY.kid() + "\"}",
                "{\"sub\":\"x\"}", TestKeys.PRIMARY);

        assertThat(verify(token)).isEqualTo(Refusal.ALGORITHM);
    }

    @Test
    void refusesAMissingAlg() {
        assertThat(verify(token().header("alg", null).sign())).isEqualTo(Refusal.ALGORITHM);
    }

    // --- key id ----------------------------------------------------------------------------------------------

    @Test
    void refusesAMissingKid() {
        assertThat(verify(token().header("kid", null).sign())).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesAnEmptyKid() {
        assertThat(verify(token().header("kid", "").sign())).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesAKidThatIsNotAString() {
        assertThat(verify(token().header("kid", 1).sign())).isEqualTo(Refusal.KEY_ID);
        assertThat(verify(token().header("kid", List.of(TestKeys.PRIMARY.kid())).sign())).isEqualTo(Refusal.KEY_ID);
        assertThat(verify(token().header("kid", Map.of("kid", TestKeys.PRIMARY.kid())).sign()))
                .isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesAKidLongerThanTheLimitWithoutLookingItUp() {
        String tooLong = "k".repeat(JwsSignatureVerifier.MAX_KID_LENGTH + 1);

        assertThat(verify(token().header("kid", tooLong).sign())).isEqualTo(Refusal.KEY_ID);
        assertThat(server.requestCount()).isZero();
    }

    // --- other header parameters -----------------------------------------------------------------------------

    @Test
    void refusesCriticalHeaderParameters() {
        assertThat(verify(token().header("crit", List.of("exp")).header("exp", 1).sign()))
                .isEqualTo(Refusal.CRITICAL_HEADER);
    }

    @Test
    void refusesAnEmptyCrit() {
        assertThat(verify(token().header("crit", List.of()).sign())).isEqualTo(Refusal.CRITICAL_HEADER);
    }

    @Test
    void refusesANestedToken() {
        assertThat(verify(token().header("cty", "JWT").sign())).isEqualTo(Refusal.NESTED_TOKEN);
    }

    // --- key lookup ------------------------------------------------------------------------------------------

    @Test
    void refusesAKidThatIsNotOneOfTheTenantKeys() {
        assertThat(verify(token().signedBy(TestKeys.OTHER).sign())).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void reportsKeysUnavailableWhenTheKeyEndpointFails() {
        server.serveRaw(500, "{}");

        assertThat(verify(token().sign())).isEqualTo(Refusal.KEYS_UNAVAILABLE);
    }

    @Test
    void reportsKeysUnavailableWhenTheKeyEndpointIsDown() {
        server.close();

        assertThat(verify(token().sign())).isEqualTo(Refusal.KEYS_UNAVAILABLE);
    }

    // --- signature -------------------------------------------------------------------------------------------

    @Test
    void refusesATokenSignedByAnotherKeyUnderTheTenantKid() {
        assertThat(verify(token().signedWithoutKidChange(TestKeys.OTHER).sign())).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesAnRs384SignatureUnderAnRs256Header() {
        assertThat(verify(token().signatureAlgorithm("SHA384withRSA").sign())).isEqualTo(Refusal.SIGNATURE);
    }

    @ParameterizedTest(name = "byte {0}")
    @ValueSource(ints = {0, 128, 255})
    void refusesASignatureWithOneByteFlipped(int index) {
        String token = token().sign();
        byte[] signature = signatureOf(token);
        signature[index] ^= 0x01;

        assertThat(verify(withSignature(token, signature))).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesASignatureOneByteShort() {
        String token = token().sign();
        byte[] signature = signatureOf(token);

        assertThat(verify(withSignature(token, Arrays.copyOf(signature, signature.length - 1))))
                .isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesASignatureWithALeadingZeroByteAdded() {
        String token = token().sign();
        byte[] signature = signatureOf(token);
        byte[] longer = new byte[signature.length + 1];
        System.arraycopy(signature, 0, longer, 1, signature.length);

        assertThat(verify(withSignature(token, longer))).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesAnEmptySignature() {
        assertThat(verify(token().unsigned())).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesAPayloadChangedAfterSigning() {
        String signed = token().sign();
        String forged = token().claim("oid", "1b700000-0000-4000-8000-000000000001").sign();
        String spliced = forged.substring(0, forged.lastIndexOf('.')) + signed.substring(signed.lastIndexOf('.'));

        assertThat(verify(spliced)).isEqualTo(Refusal.SIGNATURE);
    }

    // --- header parameters that name a key are never used ----------------------------------------------------

    @Test
    void neverUsesAKeyEmbeddedInJwk() {
        String token = token().header("jwk", TestKeys.OTHER.jwk()).signedBy(TestKeys.OTHER).sign();

        assertThat(verify(token)).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void neverUsesAKeyEmbeddedInJwkUnderTheTenantKid() {
        String token = token().header("jwk", TestKeys.OTHER.jwk()).signedWithoutKidChange(TestKeys.OTHER).sign();

        assertThat(verify(token)).isEqualTo(Refusal.SIGNATURE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jku", "x5u"})
    void neverFetchesAKeySetTheHeaderPointsTo(String parameter) throws IOException {
        try (JwksServer attacker = JwksServer.start(TestKeys.OTHER)) {
            String token = token().header(parameter, attacker.keysUrl().toString()).signedBy(TestKeys.OTHER).sign();

            Refusal refusal = verify(token);

            assertThat(refusal).isEqualTo(Refusal.UNKNOWN_KEY);
            assertThat(attacker.requestCount()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jku", "x5u"})
    void neverFetchesAKeySetTheHeaderPointsToUnderTheTenantKid(String parameter) throws IOException {
        try (JwksServer attacker = JwksServer.start(TestKeys.OTHER)) {
            String token = token().header(parameter, attacker.keysUrl().toString())
                    .signedWithoutKidChange(TestKeys.OTHER).sign();

            Refusal refusal = verify(token);

            assertThat(refusal).isEqualTo(Refusal.SIGNATURE);
            assertThat(attacker.requestCount()).isZero();
        }
    }

    @Test
    void neverUsesTheKeyOfAnEmbeddedCertificate(@TempDir Path dir) throws Exception {
        SelfSigned attacker = SelfSigned.create(dir);
        String token = token().header("x5c", List.of(attacker.x5c()))
                .signedWithoutKidChange(new TestKeys(TestKeys.PRIMARY.kid(), attacker.pair())).sign();

        assertThat(verify(token)).isEqualTo(Refusal.SIGNATURE);
    }

    // --- fixtures --------------------------------------------------------------------------------------------

    private Refusal verify(String token) {
        try {
            return verifier.verify(CompactJws.parse(token)).refusal();
        } catch (MalformedCredentialException e) {
            throw new AssertionError("test token does not parse: " + e.getMessage(), e);
        }
    }

    private static byte[] signatureOf(String token) {
        return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    }

    private static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** The primary public key in a form a confused verifier might use as an HMAC secret. */
    private static byte[] publicKeyAs(String form) {
        byte[] der = TestKeys.PRIMARY.publicKey().getEncoded();
        return switch (form) {
            case "DER" -> der;
            case "PEM" -> ("-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
            case "JWK n" -> ((String) TestKeys.PRIMARY.jwk().get("n")).getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException(form);
        };
    }

    /** The token's header and payload with an HS256 signature computed with {@code secret}. */
    private static String hs256SignedWith(byte[] secret, TestTokens token) {
        String unsigned = token.unsigned();
        String signingInput = unsigned.substring(0, unsigned.length() - 1);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] tag = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A real self-signed RSA certificate and its private key, made by the JDK's keytool. */
    record SelfSigned(Certificate certificate, KeyPair pair) {
        static SelfSigned create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
            Path store = dir.resolve("attacker.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "attacker",
                    "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", "CN=attacker",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, "changeit".toCharArray());
            }
            Certificate certificate = keyStore.getCertificate("attacker");
            PrivateKey privateKey = (PrivateKey) keyStore.getKey("attacker", "changeit".toCharArray());
            return new SelfSigned(certificate, new KeyPair(certificate.getPublicKey(), privateKey));
        }

        /** The certificate as an {@code x5c} element: standard base64 of its DER encoding. */
        String x5c() throws GeneralSecurityException {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        }
    }
}
