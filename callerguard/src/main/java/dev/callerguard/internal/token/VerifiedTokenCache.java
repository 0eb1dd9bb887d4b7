package dev.callerguard.internal.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Remembers tokens whose signature verified and whose claims passed every rule, keyed by the whole token text, so
 * that the same token (APIM sends the same managed identity token for up to 24 hours) is not parsed and
 * RSA-verified again on every call. What a hit does not skip: the check asks the key set whether the key that
 * verified the token is still current ({@link SigningKeys#stillCurrent}), and the claim rules run again, so
 * expiry is re-checked and a function's own policy still applies. Bounded ({@link #MAX_ENTRIES}); an entry is
 * evicted at the token's {@code exp} at the latest; refusals are never stored. Thread-safe.
 */
public final class VerifiedTokenCache {
    public static final int MAX_ENTRIES = 10_000;

    /**
     * What the full check established for one token.
     *
     * @param claims the token's claims
     * @param key    the key that verified its signature
     * @param caller the caller the check made of the claims
     */
    public record Entry(CallerClaims claims, KeyLookup.Found key, VerifiedCaller caller) {
    }

    private final Cache<String, Entry> cache;

    public VerifiedTokenCache(Clock clock, int maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.<String, Entry>creating((token, entry) -> untilExpiry(entry.claims(), clock)))
                // Expiry on the check's own clock (tests pin it), not System.nanoTime.
                .ticker(() -> nanos(clock.instant()))
                .executor(Runnable::run)
                .build();
    }

    private static long nanos(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    private static Duration untilExpiry(CallerClaims claims, Clock clock) {
        long exp = claims.expiresAt().orElse(0L);
        Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(exp));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** What the check established for exactly this token, or {@code null}. */
    public Entry get(String token) {
        return cache.getIfPresent(token);
    }

    /** Remembers a token that passed every check; tokens without {@code exp} are never stored. */
    public void put(String token, Entry entry) {
        if (entry.claims().expiresAt().isPresent()) {
            cache.put(token, entry);
        }
    }

    /** Forgets a token whose key is no longer current. */
    public void forget(String token) {
        cache.invalidate(token);
    }

    /** Entries held (approximate while evictions are pending). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
