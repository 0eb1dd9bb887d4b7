package dev.callerguard.internal.keys;

/** The tenant's token signing keys, looked up by {@code kid}. Implementations are thread-safe. */
public interface SigningKeys {
    KeyLookup find(String kid);

    /**
     * Whether {@code key} (a key {@link #find} returned earlier) is still in the current key set, under the same
     * {@code kid} with the same value, and that set is usable (within its maximum age). A token verified earlier is
     * only as good as the key that verified it: the validated-token cache asks this on every hit. Never waits for
     * the network while usable keys are held, except for the one caller that performs a due refresh.
     */
    default boolean stillCurrent(KeyLookup.Found key) {
        return find(key.kid()) instanceof KeyLookup.Found current && current.sameKey(key);
    }
}
