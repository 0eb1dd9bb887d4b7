package dev.callerguard.auth;

/** The tenant's token signing keys, looked up by {@code kid}. Implementations are thread-safe. */
public interface SigningKeys {
    KeyLookup find(String kid);
}
