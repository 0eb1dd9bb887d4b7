package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.LogCapture;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestKeys;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KeySetCache} in front of a real key endpoint ({@link JwksServer} read by {@link JwksKeySetSource}), with
 * a pinned clock; fetches are counted both by the cache and by the server.
 */
class KeySetCacheTest {
    private static final KeySetCache.Timing TIMING = KeySetCache.Timing.DEFAULT;
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final String PRIMARY = TestKeys.PRIMARY.kid();
    private static final String SECONDARY = TestKeys.SECONDARY.kid();

    private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    private JwksServer server;
    private KeySetCache cache;

    @BeforeEach
    void startKeyEndpoint() throws IOException {
        server = JwksServer.start(TestKeys.PRIMARY);
        cache = new KeySetCache(new JwksKeySetSource(server.keysUrl()), clock, TIMING);
    }

    @AfterEach
    void stopKeyEndpoint() {
        server.close();
    }

    @Test
    void firstLookupFetchesTheKeySetOnce() {
        KeyLookup lookup = cache.find(PRIMARY);

        assertThat(lookup).isEqualTo(new KeyLookup.Found(PRIMARY, TestKeys.PRIMARY.publicKey()));
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void warmLookupsMakeNoFurtherFetch() {
        cache.find(PRIMARY);

        for (int i = 0; i < 100; i++) {
            clock.advance(TIMING.refreshAfter().minus(SECOND).dividedBy(100));
            assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        }

        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void unknownKidOnAColdCacheIsUnknownAfterTheOneFirstFetch() {
        assertThat(cache.find("no-such-kid")).isEqualTo(new KeyLookup.Unknown());

        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void unknownKidTriggersExactlyOneRefetchThenIsUnknown() {
        warmUp();
        clock.advance(TIMING.unknownKidInterval());

        KeyLookup lookup = cache.find("no-such-kid");

        assertThat(lookup).isEqualTo(new KeyLookup.Unknown());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void unknownKidDoesNotRefetchAgainInsideTheInterval() {
        warmUp();
        clock.advance(TIMING.unknownKidInterval());
        cache.find("no-such-kid");

        clock.advance(TIMING.unknownKidInterval().minus(SECOND));
        KeyLookup again = cache.find("no-such-kid");

        assertThat(again).isEqualTo(new KeyLookup.Unknown());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void unknownKidRefetchesAgainOnceTheIntervalHasPassed() {
        warmUp();
        clock.advance(TIMING.unknownKidInterval());
        cache.find("no-such-kid");

        clock.advance(TIMING.unknownKidInterval());
        cache.find("no-such-kid");

        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void floodOfRandomKidsCostsOneFetchPerIntervalAndTheRealKeyKeepsWorking() {
        warmUp();

        for (int interval = 1; interval <= 3; interval++) {
            clock.advance(TIMING.unknownKidInterval());
            for (int i = 0; i < 1_000; i++) {
                assertThat(cache.find(UUID.randomUUID().toString())).isEqualTo(new KeyLookup.Unknown());
                if (i % 100 == 0) {
                    assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
                }
            }
            assertThat(server.requestCount()).isEqualTo(1 + interval);
        }
        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Found(PRIMARY, TestKeys.PRIMARY.publicKey()));
        assertThat(cache.fetchCount()).isEqualTo(4);
    }

    @Test
    void rotatedInKeyIsAcceptedAfterOneFetch() {
        warmUp();
        server.serve(TestKeys.PRIMARY, TestKeys.SECONDARY);
        clock.advance(TIMING.unknownKidInterval());

        KeyLookup lookup = cache.find(SECONDARY);

        assertThat(lookup).isEqualTo(new KeyLookup.Found(SECONDARY, TestKeys.SECONDARY.publicKey()));
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(cache.find(SECONDARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void keyRemovedFromTheSetIsStillFoundBeforeTheRefresh() {
        server.serve(TestKeys.PRIMARY, TestKeys.SECONDARY);
        warmUp();
        server.serve(TestKeys.SECONDARY);

        clock.advance(TIMING.refreshAfter().minus(SECOND));

        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void keyRemovedFromTheSetIsUnknownAfterTheNextRefresh() {
        server.serve(TestKeys.PRIMARY, TestKeys.SECONDARY);
        warmUp();
        server.serve(TestKeys.SECONDARY);

        clock.advance(TIMING.refreshAfter());

        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unknown());
        assertThat(cache.find(SECONDARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void dueRefreshReplacesAKeyWhoseKidWasReused() {
        warmUp();
        TestKeys reissued = TestKeys.generate(PRIMARY);
        server.serve(reissued);

        clock.advance(TIMING.refreshAfter());

        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Found(PRIMARY, reissued.publicKey()));
    }

    // --- review finding 4: 503 for junk after a failed refresh ---------------------------------------------------

    @ParameterizedTest(name = "endpoint {0}")
    @MethodSource("endpointFailures")
    void unknownKidAfterAFailedRefreshIsUnknownWhileTheCachedKeysAreGood(String failure,
                                                                          Consumer<JwksServer> breakEndpoint) {
        warmUp();
        breakEndpoint.accept(server);
        clock.advance(TIMING.refreshAfter());
        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);

        KeyLookup insideTheInterval = cache.find("invented-kid");
        clock.advance(TIMING.unknownKidInterval());
        KeyLookup afterAFailedRefetch = cache.find("another-invented-kid");

        assertThat(insideTheInterval).isEqualTo(new KeyLookup.Unknown());
        assertThat(afterAFailedRefetch).isEqualTo(new KeyLookup.Unknown());
        assertThat(cache.fetchCount()).as("warm, failed refresh, failed unknown-kid refetch").isEqualTo(3);
    }

    // --- still current: what a cached acceptance asks on every hit ------------------------------------------------

    @Test
    void aKeyInTheCurrentSetIsStillCurrent() {
        KeyLookup.Found found = (KeyLookup.Found) cache.find(PRIMARY);

        assertThat(cache.stillCurrent(found)).isTrue();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void stillCurrentRunsTheDueRefreshAndThenSeesTheKeyGone() {
        KeyLookup.Found found = (KeyLookup.Found) cache.find(PRIMARY);
        server.serve(TestKeys.SECONDARY);
        clock.advance(TIMING.refreshAfter().minus(SECOND));
        assertThat(cache.stillCurrent(found)).as("before the refresh is due").isTrue();

        clock.advance(SECOND);

        assertThat(cache.stillCurrent(found)).isFalse();
        assertThat(server.requestCount()).as("the refresh ran without any find").isEqualTo(2);
    }

    @Test
    void aKeyWhoseKidNowNamesAnotherValueIsNotStillCurrent() {
        KeyLookup.Found found = (KeyLookup.Found) cache.find(PRIMARY);
        server.serve(TestKeys.generate(PRIMARY));
        clock.advance(TIMING.refreshAfter());

        assertThat(cache.stillCurrent(found)).isFalse();
    }

    @Test
    void aKeyIsStillCurrentAfterARefreshThatKeepsIt() {
        KeyLookup.Found found = (KeyLookup.Found) cache.find(PRIMARY);
        server.serve(TestKeys.SECONDARY, TestKeys.PRIMARY);
        clock.advance(TIMING.refreshAfter());

        assertThat(cache.stillCurrent(found)).isTrue();
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "endpoint {0}")
    @MethodSource("endpointFailures")
    void aKeyIsStillCurrentUntilTheMaxAgeWhileTheEndpointFailsAndNotFromThen(String failure,
                                                                             Consumer<JwksServer> breakEndpoint) {
        KeyLookup.Found found = (KeyLookup.Found) cache.find(PRIMARY);
        breakEndpoint.accept(server);

        clock.advance(TIMING.maxAge().minus(SECOND));
        boolean lastSecond = cache.stillCurrent(found);
        clock.advance(SECOND);

        assertThat(lastSecond).isTrue();
        assertThat(cache.stillCurrent(found)).isFalse();
    }

    @Test
    void refreshIntervalComesFromTheTimings() {
        KeySetCache everyMinute = new KeySetCache(new JwksKeySetSource(server.keysUrl()), clock,
                TIMING.refreshingEvery(Duration.ofMinutes(1)));
        KeyLookup.Found found = (KeyLookup.Found) everyMinute.find(PRIMARY);
        server.serve(TestKeys.SECONDARY);

        clock.advance(Duration.ofMinutes(1));

        assertThat(everyMinute.stillCurrent(found)).isFalse();
        assertThat(everyMinute.find(SECONDARY)).isInstanceOf(KeyLookup.Found.class);
    }

    static Stream<Arguments> endpointFailures() {
        return Stream.of(
                Arguments.of("down", (Consumer<JwksServer>) JwksServer::close),
                Arguments.of("500", (Consumer<JwksServer>) s -> s.serveRaw(500, "{\"error\":\"internal\"}")),
                Arguments.of("HTML", (Consumer<JwksServer>) s -> s.serveRaw(200,
                        "<!DOCTYPE html><html><body>Sign in to continue</body></html>")),
                Arguments.of("garbage", (Consumer<JwksServer>) s -> s.serveRaw(200, "\u0000\u00ff{{ not json")),
                Arguments.of("no keys", (Consumer<JwksServer>) s -> s.serveRaw(200, "{\"keys\":[]}")));
    }

    @ParameterizedTest(name = "endpoint {0}")
    @MethodSource("endpointFailures")
    void failingEndpointAfterWarmKeepsCachedKeysUntilMaxAge(String failure, Consumer<JwksServer> breakEndpoint) {
        Instant fetchedAt = clock.instant();
        warmUp();
        breakEndpoint.accept(server);

        clock.set(fetchedAt.plus(TIMING.refreshAfter()));
        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        long attemptsAfterFirstRefresh = cache.fetchCount();

        clock.set(fetchedAt.plus(TIMING.maxAge()).minus(SECOND));
        KeyLookup lastMomentBeforeMaxAge = cache.find(PRIMARY);

        assertThat(attemptsAfterFirstRefresh).isEqualTo(2);
        assertThat(lastMomentBeforeMaxAge).isEqualTo(new KeyLookup.Found(PRIMARY, TestKeys.PRIMARY.publicKey()));
    }

    @ParameterizedTest(name = "endpoint {0}")
    @MethodSource("endpointFailures")
    void failingEndpointAfterWarmIsUnavailableFromMaxAge(String failure, Consumer<JwksServer> breakEndpoint) {
        warmUp();
        breakEndpoint.accept(server);

        clock.advance(TIMING.maxAge());

        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());
        assertThat(cache.fetchCount()).isEqualTo(2);
    }

    @Test
    void recoversOnceTheEndpointAnswersAgainAfterMaxAge() {
        warmUp();
        server.serveRaw(500, "{}");
        clock.advance(TIMING.maxAge());
        cache.find(PRIMARY);
        server.serve(TestKeys.PRIMARY);

        clock.advance(TIMING.failureBackoff());

        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void endpointDownAtStartIsUnavailable() {
        server.close();

        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    // --- warm-up at start -----------------------------------------------------------------------------------------

    @Test
    void warmFetchesTheKeySetSoThatTheFirstLookupMakesNoFetch() {
        assertThat(cache.warm()).as("a key set is held").isTrue();

        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Found(PRIMARY, TestKeys.PRIMARY.publicKey()));
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void warmFetchesNothingWhenTheKeySetIsHeld() {
        cache.find(PRIMARY);

        cache.warm();
        clock.advance(TIMING.maxAge().plus(SECOND));
        cache.find(PRIMARY);
        cache.warm();

        assertThat(server.requestCount()).as("the first lookup, then the lookup after the max age").isEqualTo(2);
    }

    @Test
    void aFailedWarmUpLeavesNoBackoffTheFirstLookupFetchesAgain() {
        server.serveRaw(500, "{}");
        cache.warm();
        server.serve(TestKeys.PRIMARY);

        KeyLookup first = cache.find(PRIMARY);

        assertThat(first).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).as("the warm-up, then the first lookup").isEqualTo(2);
    }

    @Test
    void aWarmUpFetchThatThrowsAnErrorLeavesNoBackoffEither() {
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        KeySetCache failingOnce = new KeySetCache(() -> {
            if (fetches.incrementAndGet() == 1) {
                throw new OutOfMemoryError("unable to create native thread");
            }
            return Map.of(PRIMARY, TestKeys.PRIMARY.publicKey());
        }, clock, TIMING);

        org.assertj.core.api.Assertions.assertThatThrownBy(failingOnce::warm).isInstanceOf(OutOfMemoryError.class);

        assertThat(failingOnce.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void warmDoesNothingInsideTheBackoffOfARequestsFailedFetch() {
        server.serveRaw(500, "{}");
        cache.find(PRIMARY);
        server.serve(TestKeys.PRIMARY);
        clock.advance(TIMING.failureBackoff().minus(SECOND));

        boolean held = cache.warm();

        assertThat(held).isFalse();
        assertThat(server.requestCount()).as("the request's fetch only").isEqualTo(1);
        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());
    }

    @Test
    void aFailedWarmUpReleasesTheFetchLockForTheNextThread() throws Exception {
        server.serveRaw(500, "{}");
        cache.warm();
        server.serve(TestKeys.PRIMARY);

        KeyLookup fromAnotherThread = java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.find(PRIMARY))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(fromAnotherThread).isInstanceOf(KeyLookup.Found.class);
    }

    @Test
    void aFailedWarmUpThenAFailedFirstLookupIsUnavailableAndBacksOffAsWithoutWarmUp() {
        server.serveRaw(500, "{}");
        cache.warm();

        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());
        clock.advance(TIMING.failureBackoff().minus(SECOND));
        assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());

        assertThat(server.requestCount()).as("the warm-up and the first lookup; then the backoff").isEqualTo(2);
    }

    @Test
    void endpointFailingAtStartIsNotRetriedInsideTheFailureBackoff() {
        server.serveRaw(500, "{}");
        cache.find(PRIMARY);
        server.serve(TestKeys.PRIMARY);

        clock.advance(TIMING.failureBackoff().minus(SECOND));
        KeyLookup insideBackoff = cache.find(PRIMARY);

        assertThat(insideBackoff).isEqualTo(new KeyLookup.Unavailable());
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void endpointFailingAtStartIsRetriedOnceTheFailureBackoffHasPassed() {
        server.serveRaw(500, "{}");
        cache.find(PRIMARY);
        server.serve(TestKeys.PRIMARY);

        clock.advance(TIMING.failureBackoff());

        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void endpointDownAtStartMakesOneAttemptForAFloodOfLookups() {
        server.close();

        for (int i = 0; i < 1_000; i++) {
            assertThat(cache.find(i % 2 == 0 ? PRIMARY : UUID.randomUUID().toString()))
                    .isEqualTo(new KeyLookup.Unavailable());
        }

        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void hundredConcurrentFirstLookupsShareOneFetch() throws InterruptedException {
        List<KeyLookup> lookups = lookUpConcurrently(cache, 100, () -> { });

        assertThat(lookups).hasSize(100)
                .allSatisfy(lookup -> assertThat(lookup).isInstanceOf(KeyLookup.Found.class));
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cache.fetchCount()).isEqualTo(1);
    }

    @Test
    void concurrentFirstLookupsWaitForTheFetchInFlightInsteadOfStartingTheirOwn() throws InterruptedException {
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch allLookingUp = new CountDownLatch(100);
        KeySetSource slowSource = () -> {
            fetches.incrementAndGet();
            await(allLookingUp);
            return Map.of(PRIMARY, TestKeys.PRIMARY.publicKey());
        };
        KeySetCache slowCache = new KeySetCache(slowSource, clock, TIMING);

        List<KeyLookup> lookups = lookUpConcurrently(slowCache, 100, allLookingUp::countDown);

        assertThat(lookups).hasSize(100)
                .allSatisfy(lookup -> assertThat(lookup).isInstanceOf(KeyLookup.Found.class));
        assertThat(fetches).hasValue(1);
        assertThat(slowCache.fetchCount()).isEqualTo(1);
    }

    @Test
    void fetchCountCountsEveryAttemptTheServerSaw() {
        cache.find(PRIMARY);
        clock.advance(TIMING.unknownKidInterval());
        cache.find("no-such-kid");
        server.serveRaw(500, "{}");
        clock.advance(TIMING.refreshAfter());
        cache.find(PRIMARY);
        clock.advance(TIMING.failureBackoff());
        cache.find(PRIMARY);

        assertThat(cache.fetchCount()).isEqualTo(4).isEqualTo(server.requestCount());
    }

    @Test
    void fetchCountIncludesAThrowingSource() {
        AtomicInteger calls = new AtomicInteger();
        KeySetSource throwing = () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        };
        KeySetCache failing = new KeySetCache(throwing, clock, TIMING);

        KeyLookup lookup = failing.find(PRIMARY);

        assertThat(lookup).isEqualTo(new KeyLookup.Unavailable());
        assertThat(failing.fetchCount()).isEqualTo(1).isEqualTo(calls.get());
    }

    // --- one fetch at a time, and every thread may make the next one ---------------------------------------------

    static Stream<Arguments> fetchesAfterTheWarmUp() {
        return Stream.of(
                Arguments.of("an unknown-kid refetch", TIMING.unknownKidInterval(), "no-such-kid"),
                Arguments.of("a due refresh", TIMING.refreshAfter(), PRIMARY));
    }

    /** The thread that made the earlier fetch holds nothing afterwards: the next due refresh is not skipped. */
    @ParameterizedTest(name = "after {0}")
    @MethodSource("fetchesAfterTheWarmUp")
    void aRefreshFallingDueAfterAnEarlierFetchIsMadeByWhicheverThreadMeetsIt(String earlierFetch, Duration later,
                                                                             String kid) throws Exception {
        KeyLookup.Found primary = (KeyLookup.Found) cache.find(PRIMARY);
        clock.advance(later);
        cache.find(kid);
        assertThat(server.requestCount()).as("warm, " + earlierFetch).isEqualTo(2);
        server.serve(TestKeys.SECONDARY);
        clock.advance(TIMING.refreshAfter());

        boolean stillCurrentOnAnotherThread = onAnotherThread(() -> cache.stillCurrent(primary));

        assertThat(stillCurrentOnAnotherThread).as("the other thread refreshed and saw the key gone").isFalse();
        assertThat(server.requestCount()).as("warm, " + earlierFetch + ", refresh").isEqualTo(3);
    }

    // --- keys that run out during a fetch -------------------------------------------------------------------------

    @Test
    void unknownKidIsUnavailableWhenTheKeysPassTheirMaxAgeDuringItsFailedRefetch() {
        KeySetCache.Timing shortLived = new KeySetCache.Timing(Duration.ofMinutes(1),
                Duration.ofMinutes(1).plusSeconds(2), TIMING.unknownKidInterval(), TIMING.failureBackoff());
        JwksKeySetSource endpoint = new JwksKeySetSource(server.keysUrl());
        AtomicReference<Duration> fetchLasts = new AtomicReference<>(Duration.ZERO);
        KeySetSource slow = () -> {
            clock.advance(fetchLasts.get());
            return endpoint.fetch();
        };
        KeySetCache shortLivedCache = new KeySetCache(slow, clock, shortLived);
        assertThat(shortLivedCache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        clock.advance(Duration.ofSeconds(58));
        server.serveRaw(500, "{}");
        fetchLasts.set(KeyFetchTimeouts.CONNECT.plus(KeyFetchTimeouts.REQUEST));

        KeyLookup lookup = shortLivedCache.find("rotated-in-kid");

        assertThat(lookup).as("no usable keys after the refetch: 503, not 401").isEqualTo(new KeyLookup.Unavailable());
        assertThat(shortLivedCache.fetchCount()).isEqualTo(2);
    }

    // --- what a failed fetch logs ---------------------------------------------------------------------------------

    @Test
    void aFailedFetchWithNothingCachedLogsThatNoUsableKeysAreCached() {
        server.serveRaw(500, "{}");
        List<String> lines;

        try (LogCapture log = LogCapture.ofRootLogger()) {
            assertThat(cache.find(PRIMARY)).isEqualTo(new KeyLookup.Unavailable());
            lines = log.lines();
        }

        // This cache's endpoint only: threads of earlier tests may still log into the root logger.
        assertThat(lines).filteredOn(line -> line.contains("Key set fetch failed")
                && line.contains(server.keysUrl().toString())).singleElement().asString()
                .contains("WARNING", KeySetCache.class.getName(), "; no usable keys cached")
                .doesNotContain("keeping the keys cached");
    }

    @Test
    void aFailedRefreshLogsThatTheCachedKeysAreKept() {
        warmUp();
        server.serveRaw(500, "{}");
        clock.advance(TIMING.refreshAfter());
        List<String> lines;

        try (LogCapture log = LogCapture.ofRootLogger()) {
            assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
            lines = log.lines();
        }

        assertThat(lines).filteredOn(line -> line.contains("Key set fetch failed")
                && line.contains(server.keysUrl().toString())).singleElement().asString()
                .contains("WARNING", KeySetCache.class.getName(), "; keeping the keys cached")
                .doesNotContain("no usable keys cached");
    }

    private void warmUp() {
        assertThat(cache.find(PRIMARY)).isInstanceOf(KeyLookup.Found.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    /** Starts {@code threads} lookups of the primary kid together and waits (bounded) for all of them. */
    private static List<KeyLookup> lookUpConcurrently(KeySetCache cache, int threads, Runnable beforeLookup)
            throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        ConcurrentLinkedQueue<KeyLookup> results = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                try {
                    await(start);
                    beforeLookup.run();
                    results.add(cache.find(PRIMARY));
                } finally {
                    done.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }
        start.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).as("all lookups finished").isTrue();
        return new ArrayList<>(results);
    }

    /** Runs {@code task} on a thread of its own and waits (bounded) for its result. */
    private static <T> T onAnotherThread(Callable<T> task) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(task).get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
