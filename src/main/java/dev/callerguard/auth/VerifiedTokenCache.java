package dev.callerguard.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Remembers tokens that passed the whole check, by their exact text, so that the same token (APIM sends the same
 * managed identity token for up to 24 hours) is not RSA-verified again on every call. What a hit saves is the
 * parsing and the signature; the claim rules still run on every hit, so expiry is re-checked and a function's own
 * policy still applies. Bounded ({@link #MAX_ENTRIES}); an entry is evicted at the token's {@code exp} at the
 * latest; everything is dropped when the key set changes; refusals are never stored. Thread-safe.
 */
final class VerifiedTokenCache {
    static final int MAX_ENTRIES = 10_000;

    private record Entry(CallerClaims claims, long keyGeneration) {
    }

    private final Cache<String, Entry> cache;

    VerifiedTokenCache(Clock clock, int maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.<String, Entry>creating((token, entry) -> untilExpiry(entry.claims(), clock)))
                .build();
    }

    private static Duration untilExpiry(CallerClaims claims, Clock clock) {
        long exp = claims.expiresAt().orElse(0L);
        Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(exp));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The verified claims of {@code token} under key set {@code keyGeneration}, or {@code null}. */
    CallerClaims get(String token, long keyGeneration) {
        Entry entry = cache.getIfPresent(token);
        if (entry == null) {
            return null;
        }
        if (entry.keyGeneration() != keyGeneration) {
            cache.invalidateAll();
            return null;
        }
        return entry.claims();
    }

    /** Remembers claims whose token passed every check under key set {@code keyGeneration}. */
    void put(String token, CallerClaims claims, long keyGeneration) {
        if (claims.expiresAt().isPresent()) {
            cache.put(token, new Entry(claims, keyGeneration));
        }
    }

    /** Entries held (approximate while evictions are pending). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
