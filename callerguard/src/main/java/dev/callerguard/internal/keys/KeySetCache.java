package dev.callerguard.internal.keys;

import dev.callerguard.internal.metrics.GuardMetrics;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps the tenant's key set in memory and decides when to fetch it again. Each fetch replaces the whole set,
 * so a key that left the set is refused after the next refresh, for new tokens ({@link #find}) and for tokens
 * verified before ({@link #stillCurrent}) alike. Once warm, no request waits on the network except the one that
 * performs a due refresh or the rate-limited refetch for an unknown {@code kid}.
 *
 * <ul>
 *   <li>refresh every {@link Timing#refreshAfter()} ({@code CALLERGUARD_KEYS_REFRESH_MINUTES}), checked on every
 *       lookup, cache hits included; if the endpoint fails, the old set is kept until {@link Timing#maxAge()};</li>
 *   <li>an unknown {@code kid} triggers at most one refetch per {@link Timing#unknownKidInterval()}, so a
 *       flood of invented {@code kid}s costs one fetch per interval and real keys keep working; while usable keys
 *       are held, a {@code kid} that is not among them is unknown (401), whether or not that refetch worked;</li>
 *   <li>with nothing cached, a failed fetch is not retried for {@link Timing#failureBackoff()};</li>
 *   <li>concurrent requests for a cold cache share one fetch.</li>
 * </ul>
 * Thread-safe; build one per process.
 */
public final class KeySetCache implements SigningKeys {

    /** How often the cache goes back to the key endpoint. */
    public record Timing(Duration refreshAfter, Duration maxAge, Duration unknownKidInterval,
                         Duration failureBackoff) {
        /** How long the keys stay in use after a refresh falls due and the endpoint does not answer. */
        public static final Duration STALE_GRACE = Duration.ofHours(23);

        /** One hour between refreshes, keys kept 24 h while the endpoint is down, at most one unknown-kid refetch per 10 s. */
        public static final Timing DEFAULT = new Timing(Duration.ofHours(1), Duration.ofHours(1).plus(STALE_GRACE),
                Duration.ofSeconds(10), Duration.ofSeconds(5));

        /**
         * These timings with another refresh interval ({@code CALLERGUARD_KEYS_REFRESH_MINUTES}); the maximum age
         * moves with it, so that every interval keeps {@link #STALE_GRACE} of refreshes that may fail before the
         * keys are given up (a maximum age equal to the interval would leave no refresh that can fail quietly).
         */
        public Timing refreshingEvery(Duration interval) {
            return new Timing(interval, interval.plus(STALE_GRACE), unknownKidInterval, failureBackoff);
        }
    }

    private record Snapshot(Map<String, KeyLookup.Found> keys, Instant fetchedAt) {
    }

    private static final Logger LOG = Logger.getLogger(KeySetCache.class.getName());
    private static final KeyLookup UNKNOWN = new KeyLookup.Unknown();
    private static final KeyLookup UNAVAILABLE = new KeyLookup.Unavailable();

    private final KeySetSource source;
    private final Clock clock;
    private final Timing timing;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final AtomicLong fetches = new AtomicLong();
    private final Supplier<GuardMetrics> metrics;

    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt;

    public KeySetCache(KeySetSource source, Clock clock, Timing timing) {
        this(source, clock, timing, GuardMetrics.NONE);
    }

    /** As {@link #KeySetCache(KeySetSource, Clock, Timing)}, counting each fetch in {@code metrics}. */
    public KeySetCache(KeySetSource source, Clock clock, Timing timing, GuardMetrics metrics) {
        this(source, clock, timing, () -> metrics);
    }

    /**
     * As {@link #KeySetCache(KeySetSource, Clock, Timing, GuardMetrics)}, the metrics asked for when a fetch ends:
     * the shared runtime makes them while the first fetch waits for the network (see {@code GuardRuntime}).
     */
    public KeySetCache(KeySetSource source, Clock clock, Timing timing, Supplier<GuardMetrics> metrics) {
        this.source = source;
        this.clock = clock;
        this.timing = timing;
        this.metrics = metrics;
    }

    @Override
    public KeyLookup find(String kid) {
        Snapshot current = usableSnapshot();
        if (current != null) {
            KeyLookup.Found found = current.keys().get(kid);
            if (found != null) {
                return found;
            }
        }
        if (elapsedSinceLastAttempt(timing.unknownKidInterval())) {
            fetchUnlessFetchedSince(current);
            current = usableSnapshot();
            KeyLookup.Found found = current == null ? null : current.keys().get(kid);
            if (found != null) {
                return found;
            }
        }
        return current == null ? UNAVAILABLE : UNKNOWN;
    }

    /** Checks the refresh first, as {@link #find} does, so that a set served only to cache hits is refreshed too. */
    @Override
    public boolean stillCurrent(KeyLookup.Found key) {
        Snapshot current = usableSnapshot();
        return current != null && key.sameKey(current.keys().get(key.kid()));
    }

    /**
     * Fetches the key set now unless one is held (the start-up warm-up, off the request path), so that the first
     * request finds it. A request that arrives meanwhile waits for this fetch instead of making its own. A failed
     * warm-up fetch leaves no failure backoff behind: the first request that needs keys fetches again, exactly as
     * without a warm-up, so refusals and 503 are what they would have been; whatever the fetch throws, errors
     * included. Inside the backoff of a request's failed fetch it does nothing. Whether a key set is held now.
     */
    public boolean warm() {
        fetchLock.lock();
        try {
            if (snapshot == null && elapsedSinceLastAttempt(timing.failureBackoff())) {
                Instant before = lastAttempt;
                try {
                    fetch();
                } finally {
                    if (snapshot == null) {
                        lastAttempt = before;
                    }
                }
            }
            return snapshot != null;
        } finally {
            fetchLock.unlock();
        }
    }

    /** How long ago the key set in use was fetched; empty while none is held or the one held is too old to use. */
    public Optional<Duration> age() {
        Instant now = clock.instant();
        return Optional.ofNullable(fresh(snapshot, now)).map(held -> Duration.between(held.fetchedAt(), now));
    }

    /** Number of fetches attempted so far (successful or not). */
    public long fetchCount() {
        return fetches.get();
    }

    private Snapshot usableSnapshot() {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.fetchedAt().plus(timing.refreshAfter()))) {
            return current;
        }
        if (current != null && now.isBefore(current.fetchedAt().plus(timing.maxAge()))) {
            // Refresh due: one request refreshes, the others go on with the keys they have.
            if (elapsedSinceLastAttempt(timing.failureBackoff()) && fetchLock.tryLock()) {
                try {
                    if (snapshot == current) {
                        fetch();
                    }
                } finally {
                    fetchLock.unlock();
                }
            }
            return fresh(snapshot, now);
        }
        // Nothing usable: wait for the one fetch in flight, or make it.
        fetchLock.lock();
        try {
            if (snapshot == current && elapsedSinceLastAttempt(timing.failureBackoff())) {
                fetch();
            }
        } finally {
            fetchLock.unlock();
        }
        return fresh(snapshot, clock.instant());
    }

    private Snapshot fresh(Snapshot candidate, Instant now) {
        return candidate != null && now.isBefore(candidate.fetchedAt().plus(timing.maxAge())) ? candidate : null;
    }

    private void fetchUnlessFetchedSince(Snapshot seen) {
        fetchLock.lock();
        try {
            if (snapshot == seen && elapsedSinceLastAttempt(timing.unknownKidInterval())) {
                fetch();
            }
        } finally {
            fetchLock.unlock();
        }
    }

    private boolean elapsedSinceLastAttempt(Duration interval) {
        Instant last = lastAttempt;
        return last == null || !clock.instant().isBefore(last.plus(interval));
    }

    /**
     * Called with {@link #fetchLock} held. The attempt is stamped when it starts (so that no other fetch starts
     * meanwhile) and again when it fails (so that the backoff counts from the failure, not from the start of a
     * fetch that hung until its timeout).
     */
    private void fetch() {
        lastAttempt = clock.instant();
        fetches.incrementAndGet();
        try {
            Map<String, RSAPublicKey> keys = source.fetch();
            Map<String, KeyLookup.Found> found = new HashMap<>();
            keys.forEach((kid, key) -> found.put(kid, new KeyLookup.Found(kid, key)));
            snapshot = new Snapshot(Map.copyOf(found), clock.instant());
            metrics.get().keySetFetched(true);
            LOG.fine(() -> "Key set fetched: " + found.size() + " key(s)");
        } catch (KeySetFetchException | RuntimeException e) {
            lastAttempt = clock.instant();
            metrics.get().keySetFetched(false);
            LOG.warning(() -> "Key set fetch failed (" + e.getMessage() + "); "
                    + (fresh(snapshot, clock.instant()) == null ? "no usable keys cached" : "keeping the keys cached"));
        }
    }
}
