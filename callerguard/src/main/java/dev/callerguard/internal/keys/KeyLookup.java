package dev.callerguard.internal.keys;

import java.security.interfaces.RSAPublicKey;

/** The answer to "which key has this {@code kid}?": found, not one of the tenant's keys, or cannot be known now. */
public sealed interface KeyLookup {

    /** The tenant's key with this {@code kid}. */
    record Found(String kid, RSAPublicKey key) implements KeyLookup {

        /** The same {@code kid} and the same RSA key (modulus and public exponent). */
        public boolean sameKey(Found other) {
            return other != null && kid.equals(other.kid())
                    && key.getModulus().equals(other.key().getModulus())
                    && key.getPublicExponent().equals(other.key().getPublicExponent());
        }
    }

    /** The key set is known and does not hold this {@code kid}. */
    record Unknown() implements KeyLookup {
    }

    /** No key set can be had (key endpoint unreachable and nothing usable cached). */
    record Unavailable() implements KeyLookup {
    }
}
