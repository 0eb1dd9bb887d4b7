package dev.callerguard.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3) over the JWS signing input, with the JDK's
 * {@code SHA256withRSA}: the primitive every Java JWT library ends in. A {@link Signature} is not thread-safe,
 * so each verification takes its own.
 */
final class Rs256Signature {
    static final String JCA_ALGORITHM = "SHA256withRSA";

    private Rs256Signature() {
    }

    /**
     * Whether {@code signature} is a valid RS256 signature by {@code key} over {@code token[0, signingInputEnd)}
     * (the ASCII {@code header.payload}). A signature whose length is not the modulus length is refused first.
     */
    static boolean verify(RSAPublicKey key, String token, int signingInputEnd, byte[] signature) {
        if (signature.length != (key.getModulus().bitLength() + 7) / 8) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(JCA_ALGORITHM);
            verifier.initVerify(key);
            verifier.update(token.substring(0, signingInputEnd).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
