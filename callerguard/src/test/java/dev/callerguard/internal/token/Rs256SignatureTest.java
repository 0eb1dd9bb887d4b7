package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSignatures;
import dev.callerguard.testing.TestTokens;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Rs256Signature}: RSASSA-PKCS1-v1_5 with SHA-256 over {@code token[0, signingInputEnd)}. Each test starts
 * from a token the primary key signed and changes one thing.
 */
@ParameterizedClass(name = "CALLERGUARD_CRYPTO={0}")
@EnumSource(CryptoChoice.class)
class Rs256SignatureTest {
    @Parameter
    CryptoChoice crypto;

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final RSAPublicKey KEY = TestKeys.PRIMARY.publicKey();

    private final String token = TestTokens.valid(NOW).sign();
    private final int signingInputEnd = token.lastIndexOf('.');
    private final byte[] signature = Base64.getUrlDecoder().decode(token.substring(signingInputEnd + 1));

    /** The signing input {@code token[0, signingInputEnd)} as the check hands it over: its ASCII bytes. */
    private boolean verify(RSAPublicKey key, String token, int signingInputEnd, byte[] signature) {
        return TestSignatures.rs256(crypto).verify(key, token.substring(0, signingInputEnd).getBytes(StandardCharsets.US_ASCII),
                signature);
    }

    @Test
    void refusesTheSigningInputWithOneCharacterMoreOrLess() {
        assertThat(verify(KEY, token, signingInputEnd - 1, signature)).isFalse();
        assertThat(verify(KEY, token, signingInputEnd + 1, signature)).isFalse();
    }

    @Test
    void verifiesTheSignatureOfTheKeyOverTheSigningInput() {
        assertThat(verify(KEY, token, signingInputEnd, signature)).isTrue();
    }

    @Test
    void readsOnlyTheSigningInputOfTheToken() {
        String withAnythingAfter = token.substring(0, signingInputEnd) + ".not-the-signature";

        assertThat(verify(KEY, withAnythingAfter, signingInputEnd, signature)).isTrue();
    }

    @Test
    void refusesASignatureOfAnotherKey() {
        assertThat(verify(TestKeys.OTHER.publicKey(), token, signingInputEnd, signature)).isFalse();
    }

    @Test
    void refusesASigningInputOneCharacterShorter() {
        assertThat(verify(KEY, token, signingInputEnd - 1, signature)).isFalse();
    }

    @Test
    void refusesAChangedSigningInput() {
        char last = token.charAt(signingInputEnd - 1);
        String changed = token.substring(0, signingInputEnd - 1) + (last == 'A' ? 'Q' : 'A')
                + token.substring(signingInputEnd);

        assertThat(verify(KEY, changed, signingInputEnd, signature)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SHA384withRSA", "SHA512withRSA", "SHA1withRSA"})
    void refusesAnotherRsaSignatureAlgorithm(String jcaAlgorithm) {
        byte[] other = TestTokens.sign(token.substring(0, signingInputEnd), TestKeys.PRIMARY.pair().getPrivate(),
                jcaAlgorithm);

        assertThat(verify(KEY, token, signingInputEnd, other)).isFalse();
    }

    @Test
    void refusesAFlippedBit() {
        byte[] flipped = signature.clone();
        flipped[flipped.length / 2] ^= 0x10;

        assertThat(verify(KEY, token, signingInputEnd, flipped)).isFalse();
    }

    @Test
    void refusesAnEmptySignature() {
        assertThat(verify(KEY, token, signingInputEnd, new byte[0])).isFalse();
    }

    @Test
    void refusesASignatureOneByteShort() {
        assertThat(verify(KEY, token, signingInputEnd, Arrays.copyOf(signature, signature.length - 1)))
                .isFalse();
    }

    @Test
    void refusesTheSameNumberWithALeadingZeroByteAdded() {
        byte[] longer = new byte[signature.length + 1];
        System.arraycopy(signature, 0, longer, 1, signature.length);

        assertThat(verify(KEY, token, signingInputEnd, longer)).isFalse();
    }

    @Test
    void refusesTheSameNumberWithItsLeadingZeroByteRemoved() {
        SignedInput withLeadingZero = signedInputWhoseSignatureStartsWithZero();
        byte[] stripped = Arrays.copyOfRange(withLeadingZero.signature(), 1, withLeadingZero.signature().length);

        assertThat(verify(KEY, withLeadingZero.token(), withLeadingZero.end(),
                withLeadingZero.signature())).as("the full-length signature verifies").isTrue();
        assertThat(verify(KEY, withLeadingZero.token(), withLeadingZero.end(), stripped)).isFalse();
    }

    @ParameterizedTest(name = "every byte 0x{0}")
    @ValueSource(ints = {0x00, 0x01, 0xFF})
    void refusesAConstantSignatureOfTheRightLength(int value) {
        byte[] constant = new byte[signature.length];
        Arrays.fill(constant, (byte) value);

        assertThat(verify(KEY, token, signingInputEnd, constant)).isFalse();
    }

    @Test
    void refusesTheModulusItself() {
        byte[] modulus = KEY.getModulus().toByteArray();
        byte[] unsigned = Arrays.copyOfRange(modulus, modulus.length - signature.length, modulus.length);

        assertThat(verify(KEY, token, signingInputEnd, unsigned)).isFalse();
    }

    /**
     * Under a public exponent of 1 a "signature" is the padded digest itself, which anyone can write. The JDK will
     * not use such a key (it throws); that is a refusal too, not an exception for the check to handle.
     */
    @Test
    void refusesAForgeryUnderAKeyWithPublicExponentOne() {
        BigInteger paddedDigest = new BigInteger(1, signature).modPow(KEY.getPublicExponent(), KEY.getModulus());
        byte[] forgery = unsigned(paddedDigest, signature.length);
        assertThat(forgery).as("EMSA-PKCS1-v1_5: 00 01 FF ...").startsWith(0x00, 0x01, 0xFF);

        assertThat(verify(new HandMadeKey(KEY.getModulus(), BigInteger.ONE), token, signingInputEnd, forgery))
                .isFalse();
    }

    @Test
    void verifiesWithALargerKeyWhoseSignaturesAreLonger() {
        TestKeys large = TestKeys.generate("large", 3072);
        String signingInput = token.substring(0, signingInputEnd);
        byte[] largeSignature = TestTokens.sign(signingInput, large.pair().getPrivate(), Rs256Signature.JCA_ALGORITHM);

        assertThat(largeSignature).hasSize(384);
        assertThat(verify(large.publicKey(), token, signingInputEnd, largeSignature)).isTrue();
        assertThat(verify(large.publicKey(), token, signingInputEnd, signature)).isFalse();
    }

    private record SignedInput(String token, int end, byte[] signature) {
    }

    /** An RSA public key of any numbers, as the JDK's own key factory would not make it. */
    private record HandMadeKey(BigInteger getModulus, BigInteger getPublicExponent) implements RSAPublicKey {
        @Override
        public String getAlgorithm() {
            return "RSA";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    /** {@code value} as an unsigned big-endian number of exactly {@code length} bytes. */
    private static byte[] unsigned(BigInteger value, int length) {
        byte[] signed = value.toByteArray();
        byte[] bytes = new byte[length];
        int copied = Math.min(signed.length, length);
        System.arraycopy(signed, signed.length - copied, bytes, length - copied, copied);
        return bytes;
    }

    /** About one RS256 signature in 256 starts with a zero byte; sign numbered inputs until one does. */
    private static SignedInput signedInputWhoseSignatureStartsWithZero() {
        for (int i = 0; i < 20_000; i++) {
            String signingInput = TestTokens.encode("{\"alg\":\"RS256\"}") + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.US_ASCII));
            byte[] candidate = TestTokens.sign(signingInput, TestKeys.PRIMARY.pair().getPrivate(),
                    Rs256Signature.JCA_ALGORITHM);
            if (candidate[0] == 0) {
                return new SignedInput(signingInput + ".x", signingInput.length(), candidate);
            }
        }
        throw new IllegalStateException("no signature with a leading zero byte in 20,000 tries");
    }

    /** Verifiers are reused from the pool, whatever the previous verification found, and never more are kept. */
    @Test
    void reusesItsVerifiersAfterAcceptingAndRefusing() {
        Rs256Signature rs256 = TestSignatures.rs256(crypto);
        byte[] signingInput = token.substring(0, signingInputEnd).getBytes(StandardCharsets.US_ASCII);
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;

        for (int i = 0; i < 3; i++) {
            assertThat(rs256.verify(KEY, signingInput, signature)).isTrue();
            assertThat(rs256.verify(KEY, signingInput, flipped)).isFalse();
            assertThat(rs256.verify(TestKeys.SECONDARY.publicKey(), signingInput, signature)).isFalse();
        }

        assertThat(rs256.idle()).isEqualTo(1);
    }

    /** Many threads at once: each verification gets a verifier of its own, and the pool keeps at most its bound. */
    @Test
    void verifiesCorrectlyFromManyThreadsAtOnce() throws Exception {
        Rs256Signature rs256 = TestSignatures.rs256(crypto);
        byte[] signingInput = token.substring(0, signingInputEnd).getBytes(StandardCharsets.US_ASCII);
        byte[] flipped = signature.clone();
        flipped[signature.length - 1] ^= 1;
        int threads = Rs256Signature.MAX_IDLE + 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < threads * 4; i++) {
                boolean good = i % 2 == 0;
                answers.add(pool.submit(() -> {
                    start.await();
                    return rs256.verify(KEY, signingInput, good ? signature : flipped) == good;
                }));
            }
            start.countDown();
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(rs256.idle()).isBetween(1, Rs256Signature.MAX_IDLE);
    }
}
