package dev.callerguard.auth;

import com.auth0.jwt.algorithms.Algorithm;

/** The answer to "which key has this {@code kid}?": found, not one of the tenant's keys, or cannot be known now. */
public sealed interface KeyLookup {

    /** The key, with its RS256 verifier built once when the key set was loaded. */
    record Found(String kid, Algorithm rs256) implements KeyLookup {
    }

    /** The key set is known and does not hold this {@code kid}. */
    record Unknown() implements KeyLookup {
    }

    /** No key set can be had (key endpoint unreachable and nothing usable cached). */
    record Unavailable() implements KeyLookup {
    }
}
