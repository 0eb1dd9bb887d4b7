package dev.callerguard.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Remembers tokens that passed the whole check, by their exact text, so that the same token (APIM sends the same
 * managed identity token for up to 24 hours) is not parsed and RSA-verified again on every call. The claim rules
 * still run on every hit, so expiry is re-checked and a function's own policy still applies. Bounded
 * ({@link #MAX_ENTRIES}); an entry is evicted at the token's {@code exp} at the latest; everything is dropped
 * when the key set changes; refusals are never stored. Thread-safe.
 *
 * <p>Entries are found by the token's signature segment (short to hash) and accepted only when the whole token is
 * equal, character for character, to the one that was verified: a hit can never lend one token's verification to
 * another.
 */
final class VerifiedTokenCache {
    static final int MAX_ENTRIES = 10_000;
    private static final String SCHEME = "Bearer ";

    /** Characters of the signature segment's end that find an entry: 258 bits, short to hash. */
    static final int KEY_LENGTH = 43;

    /** A verified token, its claims, and the caller the check made of them. */
    record Hit(String token, CallerClaims claims, VerifiedCaller caller) {
    }

    /** {@code header} is {@code "Bearer " + token}, the form APIM and most clients send, for a fast equality. */
    private record Entry(String token, String header, CallerClaims claims, VerifiedCaller caller, long keyGeneration) {
    }

    private final Cache<String, Entry> cache;

    VerifiedTokenCache(Clock clock, int maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.<String, Entry>creating((key, entry) -> untilExpiry(entry.claims(), clock)))
                .executor(Runnable::run)
                .build();
    }

    private static Duration untilExpiry(CallerClaims claims, Clock clock) {
        long exp = claims.expiresAt().orElse(0L);
        Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(exp));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * The verified token an {@code Authorization} header of exactly the form {@code "Bearer <token>"} (scheme in
     * any case, one space) carries, if that token is cached under key set {@code keyGeneration}; else
     * {@code null}, and the header goes through the full reading.
     */
    Hit lookup(String authorization, long keyGeneration) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        Entry entry = cache.getIfPresent(key(authorization));
        if (entry == null) {
            return null;
        }
        if (entry.keyGeneration() != keyGeneration) {
            cache.invalidateAll();
            return null;
        }
        String token = entry.token();
        // String.equals is an intrinsic; regionMatches is a plain loop, so it only serves other scheme spellings.
        boolean same = authorization.equals(entry.header())
                || (token.length() == authorization.length() - SCHEME.length()
                        && authorization.regionMatches(SCHEME.length(), token, 0, token.length()));
        return same ? new Hit(token, entry.claims(), entry.caller()) : null;
    }

    /** Remembers claims whose token passed every check under key set {@code keyGeneration}. */
    void put(String token, CallerClaims claims, VerifiedCaller caller, long keyGeneration) {
        if (claims.expiresAt().isPresent()) {
            cache.put(key(token), new Entry(token, SCHEME + token, claims, caller, keyGeneration));
        }
    }

    /** The end of the text (the end of a token's signature): only finds entries, never decides equality. */
    private static String key(String text) {
        return text.substring(Math.max(0, text.length() - KEY_LENGTH));
    }

    /** Entries held (approximate while evictions are pending). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
