package dev.callerguard.auth;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3) over the JWS signing input, with the JDK's
 * {@code SHA256withRSA}: the primitive every Java JWT library ends in. A {@link Signature} is not thread-safe, so
 * each thread keeps its own, initialised with the key for each verification.
 */
final class Rs256Signature {
    static final String JCA_ALGORITHM = "SHA256withRSA";

    private static final ThreadLocal<Signature> VERIFIERS = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance(JCA_ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + JCA_ALGORITHM, e);
        }
    });

    private Rs256Signature() {
    }

    /**
     * Whether {@code signature} is a valid RS256 signature by {@code key} over {@code signingInput} (the ASCII
     * {@code header.payload}). A signature whose length is not the modulus length is refused first.
     */
    static boolean verify(RSAPublicKey key, byte[] signingInput, byte[] signature) {
        if (signature.length != (key.getModulus().bitLength() + 7) / 8) {
            return false;
        }
        try {
            Signature verifier = VERIFIERS.get();
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
