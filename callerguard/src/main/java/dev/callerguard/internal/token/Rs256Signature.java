package dev.callerguard.internal.token;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3) over the JWS signing input, with the
 * {@code SHA256withRSA} of one provider (see {@link SignatureProvider}). A {@link Signature} is not thread-safe,
 * so each thread keeps its own, initialised with the key for each verification. Build one per process.
 */
public final class Rs256Signature {
    public static final String JCA_ALGORITHM = "SHA256withRSA";

    private final Provider provider;
    private final ThreadLocal<Signature> verifiers;

    public Rs256Signature(Provider provider) {
        this.provider = provider;
        this.verifiers = ThreadLocal.withInitial(this::newVerifier);
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
        try {
            Signature verifier = verifiers.get();
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private Signature newVerifier() {
        try {
            return Signature.getInstance(JCA_ALGORITHM, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + " lacks " + JCA_ALGORITHM, e);
        }
    }
}
