package dev.callerguard.local;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The emulator's RSA-2048 signing keys: the current one signs; after a rotation the previous one stays published
 * until the next rotation, as Entra keeps old keys in the set for a while. Thread-safe.
 */
final class SigningKeyRing {
    record SigningKey(String kid, KeyPair pair) {
    }

    private final List<SigningKey> keys = new ArrayList<>();

    SigningKeyRing() {
        rotate();
    }

    /** Adds a new signing key and signs with it from now on; keeps only the previous one besides it. */
    synchronized SigningKey rotate() {
        SigningKey key = new SigningKey(UUID.randomUUID().toString().replace("-", ""), generate());
        keys.add(0, key);
        while (keys.size() > 2) {
            keys.remove(keys.size() - 1);
        }
        return key;
    }

    synchronized SigningKey current() {
        return keys.get(0);
    }

    /** The published key set: {@code {"keys":[{kty,use,kid,x5t,n,e}]}}. */
    synchronized Map<String, Object> jwks() {
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (SigningKey key : keys) {
            RSAPublicKey publicKey = (RSAPublicKey) key.pair().getPublic();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("use", "sig");
            jwk.put("kid", key.kid());
            jwk.put("n", unsigned(publicKey.getModulus()));
            jwk.put("e", unsigned(publicKey.getPublicExponent()));
            jwks.add(jwk);
        }
        return Map.of("keys", jwks);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Arrays.copyOfRange(bytes, skip, bytes.length));
    }
}
