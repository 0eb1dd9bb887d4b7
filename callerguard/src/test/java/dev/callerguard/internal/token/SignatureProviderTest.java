package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.credentials.Base64Url;
import dev.callerguard.testing.TestSignatures;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureSpi;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SignatureProvider}: the native provider where it loads and passes the self-test, the JDK's otherwise and
 * with {@code CALLERGUARD_CRYPTO=jdk}, and never a change to the JVM's own provider order.
 */
class SignatureProviderTest {
    private static final String NATIVE = "AmazonCorrettoCryptoProvider";

    @Test
    void autoIsTheNativeProviderWhereTheBuildPackagesItsLibraryElseTheJdkWithTheReason() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.AUTO);

        if (TestSignatures.nativePlatform()) {
            assertThat(chosen.provider().getName()).isEqualTo(NATIVE);
            assertThat(chosen.fallback()).isEmpty();
            assertThat(chosen.description()).startsWith(NATIVE + " 2.5.0").endsWith("(native)");
        } else {
            assertThat(chosen.isJdk()).isTrue();
            assertThat(chosen.fallback()).hasValueSatisfying(reason -> assertThat(reason).contains("did not load"));
        }
    }

    @Test
    void jdkIsSunRsaSignWithNoFallbackToReport() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.JDK);

        assertThat(chosen.provider().getName()).isEqualTo("SunRsaSign");
        assertThat(chosen.isJdk()).isTrue();
        assertThat(chosen.fallback()).isEmpty();
        assertThat(chosen.description()).isEqualTo("SunRsaSign " + chosen.provider().getVersionStr() + " (JDK)");
    }

    @Test
    void aNativeLibraryThatDoesNotLoadFallsBackToTheJdkAndSaysWhy() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.AUTO, () -> {
            throw new UnsatisfiedLinkError("libamazonCorrettoCryptoProvider.so: wrong ELF class");
        });

        assertThat(chosen.isJdk()).isTrue();
        assertThat(chosen.fallback()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("did not load").contains("wrong ELF class"));
    }

    @Test
    void aProviderThatAcceptsEverySignatureFailsTheSelfTestAndIsNotUsed() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.AUTO, () -> answering("Yes", true));

        assertThat(chosen.isJdk()).isTrue();
        assertThat(chosen.fallback()).hasValue("Yes failed the RS256 self-test");
    }

    @Test
    void aProviderThatRefusesEverySignatureFailsTheSelfTestAndIsNotUsed() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.AUTO, () -> answering("No", false));

        assertThat(chosen.isJdk()).isTrue();
        assertThat(chosen.fallback()).hasValue("No failed the RS256 self-test");
    }

    @Test
    void aProviderThatDoesNotCompareTheHashFailsTheSelfTest() {
        Provider lax = new Provider("NoHash", "1", "accepts the known signature over any input") { };
        lax.put("Signature." + Rs256Signature.JCA_ALGORITHM, NoHashSignature.class.getName());

        assertThat(SignatureProvider.passesSelfTest(lax)).isFalse();
        assertThat(SignatureProvider.choose(CryptoChoice.AUTO, () -> lax).fallback())
                .hasValue("NoHash failed the RS256 self-test");
    }

    @Test
    void aProviderThatDoesNotCompareTheHashAlgorithmFailsTheSelfTest() {
        Provider lax = new Provider("AnyHash", "1", "accepts a SHA-512 signature as SHA-256") { };
        lax.put("Signature." + Rs256Signature.JCA_ALGORITHM, AnyHashSignature.class.getName());

        assertThat(SignatureProvider.passesSelfTest(lax)).isFalse();
    }

    @Test
    void aProviderWithoutSha256WithRsaFailsTheSelfTest() {
        assertThat(SignatureProvider.passesSelfTest(new Provider("Empty", "1", "no services") { })).isFalse();
    }

    @Test
    void theSelfTestPassesWithTheJdkAndWithTheNativeProvider() {
        assertThat(SignatureProvider.passesSelfTest(SignatureProvider.jdkProvider())).isTrue();
        if (TestSignatures.nativePlatform()) {
            assertThat(SignatureProvider.passesSelfTest(SignatureProvider.choose(CryptoChoice.AUTO).provider()))
                    .isTrue();
        }
    }

    @Test
    void choosingLeavesTheJvmsProviderOrderAsItWas() throws Exception {
        List<String> before = names(Security.getProviders());

        SignatureProvider.choose(CryptoChoice.AUTO);

        assertThat(names(Security.getProviders())).isEqualTo(before).doesNotContain(NATIVE);
        assertThat(Signature.getInstance(Rs256Signature.JCA_ALGORITHM).getProvider().getName())
                .isEqualTo("SunRsaSign");
    }

    private static List<String> names(Provider[] providers) {
        return java.util.Arrays.stream(providers).map(Provider::getName).toList();
    }

    /** A provider whose SHA256withRSA gives the same answer to every signature. */
    private static Provider answering(String name, boolean answer) {
        Provider provider = new Provider(name, "1", "answers " + answer + " to every signature") { };
        provider.put("Signature." + Rs256Signature.JCA_ALGORITHM,
                (answer ? YesSignature.class : NoSignature.class).getName());
        return provider;
    }

    /** Says yes to every signature. */
    public static class YesSignature extends FixedAnswerSignature {
        public YesSignature() {
            super(true);
        }
    }

    /** Says no to every signature. */
    public static class NoSignature extends FixedAnswerSignature {
        public NoSignature() {
            super(false);
        }
    }

    /** Checks the padding (the exact signature bytes) but not which input was signed: a hash never compared. */
    public static class NoHashSignature extends RecordingSignature {
        @Override
        protected boolean engineVerify(byte[] signature) {
            return java.util.Arrays.equals(signature, Base64Url.decode(SignatureProvider.SELF_TEST_SIGNATURE));
        }
    }

    /** Compares the input but takes a signature of SHA-512 as one of SHA-256: a hash algorithm never compared. */
    public static class AnyHashSignature extends RecordingSignature {
        @Override
        protected boolean engineVerify(byte[] signature) {
            byte[] good = Base64Url.decode(SignatureProvider.SELF_TEST_SIGNATURE);
            boolean known = java.util.Arrays.equals(signature, good)
                    || java.util.Arrays.equals(signature,
                    Base64Url.decode(SignatureProvider.SELF_TEST_SHA512_SIGNATURE));
            return known && java.util.Arrays.equals(input.toByteArray(),
                    SignatureProvider.SELF_TEST_INPUT.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** Keeps what it is asked to verify. */
    abstract static class RecordingSignature extends FixedAnswerSignature {
        final java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();

        RecordingSignature() {
            super(false);
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
            input.reset();
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            input.write(b, off, len);
        }
    }

    abstract static class FixedAnswerSignature extends SignatureSpi {
        private final boolean answer;

        FixedAnswerSignature(boolean answer) {
            this.answer = answer;
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
        }

        @Override
        protected void engineUpdate(byte b) {
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
        }

        @Override
        protected byte[] engineSign() {
            return new byte[0];
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return answer;
        }

        @Override
        @SuppressWarnings("deprecation")
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @SuppressWarnings("deprecation")
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
