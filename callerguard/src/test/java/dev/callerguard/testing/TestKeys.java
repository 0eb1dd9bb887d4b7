package dev.callerguard.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** RSA test keys with a {@code kid}; generated once per test JVM, since RSA generation is slow. */
public record TestKeys(String kid, KeyPair pair) {

    public static final TestKeys PRIMARY = generate("test-key-1");
    public static final TestKeys SECONDARY = generate("test-key-2");
    public static final TestKeys OTHER = generate("test-key-other");

    public static TestKeys generate(String kid) {
        return generate(kid, 2048);
    }

    public static TestKeys generate(String kid, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new TestKeys(kid, generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    /** The public key as a JWK object (kty, use, kid, n, e). */
    public Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("kid", kid);
        jwk.put("n", unsigned(publicKey().getModulus()));
        jwk.put("e", unsigned(publicKey().getPublicExponent()));
        return jwk;
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            bytes = trimmed;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
