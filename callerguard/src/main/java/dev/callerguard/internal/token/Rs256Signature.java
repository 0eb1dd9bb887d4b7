package dev.callerguard.internal.token;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3) over the JWS signing input, with the
 * {@code SHA256withRSA} of one provider (see {@link SignatureProvider}). A {@link Signature} is not thread-safe, and
 * making one costs about a third of a verification on the native provider (its native context), so verifications
 * take one from a small pool of idle ones, initialise it with the key, and put it back: no {@code ThreadLocal}, and
 * nothing of a request stays in it ({@code initVerify} starts it afresh). Build one per process.
 */
public final class Rs256Signature {
    public static final String JCA_ALGORITHM = "SHA256withRSA";

    /** Idle verifiers kept at most: as many as verifications run at once on a busy host; beyond, one is made. */
    static final int MAX_IDLE = 4 * Runtime.getRuntime().availableProcessors();

    private final Provider provider;
    private final BlockingQueue<Signature> idle = new ArrayBlockingQueue<>(MAX_IDLE);

    public Rs256Signature(Provider provider) {
        this.provider = provider;
    }

    /**
     * Whether {@code signature} is a valid RS256 signature by {@code key} over {@code signingInput} (the ASCII
     * {@code header.payload}). A signature whose length is not the modulus length is refused first, whatever the
     * provider would make of it (RFC 8017 section 8.2.2, step 1).
     */
    public boolean verify(RSAPublicKey key, byte[] signingInput, byte[] signature) {
        if (signature.length != (key.getModulus().bitLength() + 7) / 8) {
            return false;
        }
        Signature verifier = idle.poll();
        try {
            if (verifier == null) {
                verifier = newVerifier();
            }
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        } finally {
            if (verifier != null) {
                idle.offer(verifier);
            }
        }
    }

    /** Idle verifiers held now (tests). */
    int idle() {
        return idle.size();
    }

    private Signature newVerifier() {
        try {
            return Signature.getInstance(JCA_ALGORITHM, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + " lacks " + JCA_ALGORITHM, e);
        }
    }
}
