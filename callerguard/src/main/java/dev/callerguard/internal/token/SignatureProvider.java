package dev.callerguard.internal.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.callerguard.internal.credentials.Base64Url;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The JCA provider whose {@code SHA256withRSA} verifies token signatures, chosen once at start. With
 * {@link CryptoChoice#AUTO} it is the Amazon Corretto Crypto Provider (AWS-LC, native code; the packaged app carries
 * its Linux x86_64 library) when that loads and passes the self-test here ({@link #passesSelfTest}); otherwise the
 * JDK's {@code SunRsaSign}, with the reason kept for the start-up log. Only the
 * check's own {@link java.security.Signature} objects use it: the JVM's provider order is never changed, so TLS,
 * msal4j and the key fetch stay on the JDK's providers.
 *
 * @param provider the provider whose {@code SHA256withRSA} the check uses
 * @param fallback why the native provider is not used although {@code CALLERGUARD_CRYPTO} is {@code auto}; empty
 *                 when it is used or when {@code jdk} was asked for
 */
public record SignatureProvider(Provider provider, Optional<String> fallback) {
    static final String JDK_PROVIDER = "SunRsaSign";

    /** An RSA-2048 public key (base64url modulus, exponent 65537) made for the self-test only. */
    private static final String SELF_TEST_MODULUS = "jb7qXH0AUVmXuow_SRDT-MDuifED3Bmhu2WYmhZ49qZWhGudUm7ww189jebwS3DneCIr2ZdfTtxOdQYjZNpmWV10oqlCr9dGtzM0gl8XQpETtwGgdSBN-LAytTVBqp7TUchstjs-hGPhR49zTTF6b3reryJ355Msv1Si8jlnyty7YRfcmxgF8oO2MG3JM5beDCjBZB_JgW5Zh-HT2ahfaW21P8ADT4Sf_zm4AP2ik2c5pLUXpf4cHjH5RSBR09ViMxeCo0ebJm7uxUHkcKifcakLv8mu4BWGDiQ9F4HeliJ8dOf0qiaa9F88ZrYosCkrcMgkbDmoiFOKL9lZys6IAQ";
    /** The RS256 signing input {"alg":"RS256"}.CallerGuard self-test, and its signature by that key (OpenSSL). */
    static final String SELF_TEST_INPUT = "eyJhbGciOiJSUzI1NiJ9.Q2FsbGVyR3VhcmQgc2VsZi10ZXN0";
    private static final RSAPublicKey SELF_TEST_KEY = selfTestKey();
    static final String SELF_TEST_SIGNATURE = "MJDA658USYvFvr_N_q2UGcR1ZxhdL0jjrk1xIkYK3gUvzcfPWuuDvO0Gd6sUcyuc3mmWAc18Y23vLWC4rqu8Nz8JMGy7YWhXs710V0gvzQaBWb39baKPB_AJ65V4vxD7kwEEjctubAnNrSAiT4Wlwm5OkBNkPU06rKMJLyq6kdePomCiGg-dCkVx0VA-E8EfXZynAGZuvi8sBs4iuSGMFCkrsAiRduZtJ147Zizy7cSFoywecLDv8pvCQjE7Pb6w_BpNyAOYUrDA4tR20uzfxsm93ULHIIYLfh4koRztxTD24-CLO7j1BX2kSnjmAjQdB_GWvonDEbwmXBrVuKcv5A";
    /** The same input signed by the same key with SHA-512 (RSASSA-PKCS1-v1_5): a valid signature of another hash. */
    static final String SELF_TEST_SHA512_SIGNATURE = "ewaUIWTkd649u7oKYwivji3mqseYYit2M3XY56_ib1AVWlAMnrZVum6IDjPskqqLvCzzvyQA61x83mApVV5MHkKz1k5ByoD2_epOaa7rU51iuMagd_TNL_qm_v9abaP-ae3gWvUm0kzR18dPyfsvdghqUAl2kXamRX-aaBxqXMTPD8aPL2u9ZFs5wxZGhSnDta4nbRctOfRNmUR8xk4-DKx11KjINCqudewg409vPakD5GAT18cyxP1es7PegpWbOK5a_9ITb8LyNFWGuZxjKOfieKmSXWfUdYhd6PyQMnWhEzwX9GPj21sD2VuFneI3TpacryhXDfCORa42Uz-gSQ";

    /** The provider {@code choice} allows on this machine. */
    public static SignatureProvider choose(CryptoChoice choice) {
        return choose(choice, SignatureProvider::loadNative);
    }

    /** As {@link #choose(CryptoChoice)}, with the native provider from {@code nativeProvider} (tests). */
    static SignatureProvider choose(CryptoChoice choice, Callable<Provider> nativeProvider) {
        if (choice == CryptoChoice.JDK) {
            return new SignatureProvider(jdkProvider(), Optional.empty());
        }
        try {
            Provider candidate = nativeProvider.call();
            if (!passesSelfTest(candidate)) {
                return jdkBecause(candidate.getName() + " failed the RS256 self-test");
            }
            return new SignatureProvider(candidate, Optional.empty());
        } catch (Exception | LinkageError e) {
            return jdkBecause("the native provider did not load: " + e);
        }
    }

    /** The JDK's provider of {@code SHA256withRSA}. */
    static Provider jdkProvider() {
        Provider jdk = Security.getProvider(JDK_PROVIDER);
        if (jdk == null) {
            throw new IllegalStateException("the JDK's " + JDK_PROVIDER + " provider is missing");
        }
        return jdk;
    }

    /** Whether this is the JDK's provider. */
    public boolean isJdk() {
        return provider.getName().equals(JDK_PROVIDER);
    }

    /** Name and version, e.g. {@code AmazonCorrettoCryptoProvider 2.5.0 (native)} or {@code SunRsaSign 17 (JDK)}. */
    public String description() {
        return provider.getName() + " " + provider.getVersionStr() + (isJdk() ? " (JDK)" : " (native)");
    }

    /**
     * Whether {@code provider} accepts the known-good signature and refuses what a broken RSA verification could let
     * through: the same signature with one bit flipped (the padding), the same signature over an input with one
     * byte changed (the hash not compared), and a valid signature of the same input with a SHA-512 DigestInfo (the
     * hash algorithm not compared).
     */
    static boolean passesSelfTest(Provider provider) {
        byte[] input = SELF_TEST_INPUT.getBytes(StandardCharsets.US_ASCII);
        byte[] otherInput = input.clone();
        otherInput[otherInput.length - 1] ^= 1;
        byte[] good = Base64Url.decode(SELF_TEST_SIGNATURE);
        byte[] flipped = good.clone();
        flipped[flipped.length - 1] ^= 1;
        byte[] otherHash = Base64Url.decode(SELF_TEST_SHA512_SIGNATURE);
        // Rs256Signature.verify answers false to whatever a provider throws, a missing SHA256withRSA included.
        Rs256Signature signatures = new Rs256Signature(provider);
        return signatures.verify(SELF_TEST_KEY, input, good)
                && !signatures.verify(SELF_TEST_KEY, input, flipped)
                && !signatures.verify(SELF_TEST_KEY, otherInput, good)
                && !signatures.verify(SELF_TEST_KEY, input, otherHash);
    }

    /** The self-test key, read by the JDK's RSA key factory (the keys of the tenant's key set are read so too). */
    private static RSAPublicKey selfTestKey() {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, Base64Url.decode(SELF_TEST_MODULUS)), BigInteger.valueOf(65_537)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot read an RSA public key", e);
        }
    }

    private static SignatureProvider jdkBecause(String reason) {
        return new SignatureProvider(jdkProvider(), Optional.of(reason));
    }

    /** The Amazon Corretto Crypto Provider, if its native library loaded on this machine. */
    private static Provider loadNative() {
        AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable error = provider.getLoadingError();
        if (error != null) {
            throw new ProviderException(provider.getName() + " " + provider.getVersionStr()
                    + " could not load its native library on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " (" + error + ")", error);
        }
        return provider;
    }
}
