package dev.callerguard.auth;

/** The tenant's token signing keys, looked up by {@code kid}. Implementations are thread-safe. */
public interface SigningKeys {
    KeyLookup find(String kid);

    /**
     * A number that changes whenever the key set changes, so that results derived from the old keys (the
     * validated-token cache) are dropped. Constant for a fixed key set.
     */
    default long generation() {
        return 0L;
    }
}
