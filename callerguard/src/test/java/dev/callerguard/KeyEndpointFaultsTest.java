package dev.callerguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.internal.decision.BearerChallenge;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeyFetchTimeouts;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.BreakableKeyEndpoint.Answer;
import dev.callerguard.testing.BreakableKeyEndpoint;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestHttpResponse;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSettings;
import dev.callerguard.testing.TestTokens;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The caller check end to end against a real HTTP key endpoint that breaks ({@link BreakableKeyEndpoint}), through
 * {@link CallerGuard#handle}: what a caller sees (status and headers) when the tenant's keys cannot be had, are
 * slow, turn to garbage or rotate, with {@link KeySetCache.Timing#DEFAULT} and a pinned clock. The cache's own
 * rules are specified in {@code KeySetCacheTest}; this is the proof that they reach the HTTP answer.
 *
 * <p>No assertion measures wall-clock time. "Answered within the fetch's time bound" is proven by order: the
 * endpoint hangs far longer than the fetch may take and records whether it ever ran out of hang; an answer that
 * comes while it still hangs was cut by the client's bound, not by the endpoint.
 */
class KeyEndpointFaultsTest {
    private static final KeySetCache.Timing TIMING = KeySetCache.Timing.DEFAULT;
    /** Far longer than one fetch may take (connect plus request timeout), so that only a bug waits it out. */
    private static final Duration HANG = KeyFetchTimeouts.CONNECT.plus(KeyFetchTimeouts.REQUEST).multipliedBy(4);
    /** Only a guard against a stuck test; never reached when the code is right. */
    private static final long STUCK_SECONDS = 120;

    private final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");
    private BreakableKeyEndpoint endpoint;
    private KeySetCache keys;
    private CallerGuard guard;

    @BeforeEach
    void start() throws IOException {
        endpoint = BreakableKeyEndpoint.start(TestKeys.PRIMARY);
        endpoint.hangFor(HANG);
        GuardSettings settings = TestSettings.load(endpoint.keysUrl());
        keys = new KeySetCache(new JwksKeySetSource(settings.keysUrl()), clock, TIMING);
        guard = CallerGuard.over(GuardRuntime.of(settings, keys, clock));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    /** Ways the endpoint fails fast: each is one failed fetch. */
    enum Breakage {
        CONNECTION_REFUSED, CLOSES_WITHOUT_ANSWER, STATUS_500, HTML, GARBAGE, EMPTY_KEY_SET, TRUNCATED_KEY_SET;

        void applyTo(BreakableKeyEndpoint endpoint) throws IOException {
            switch (this) {
                case CONNECTION_REFUSED -> endpoint.down();
                case CLOSES_WITHOUT_ANSWER -> endpoint.answer(Answer.CLOSE_WITHOUT_ANSWER);
                case STATUS_500 -> endpoint.answer(Answer.STATUS_500);
                case HTML -> endpoint.answer(Answer.HTML);
                case GARBAGE -> endpoint.answer(Answer.GARBAGE);
                case EMPTY_KEY_SET -> endpoint.answer(Answer.EMPTY_KEY_SET);
                case TRUNCATED_KEY_SET -> endpoint.answer(Answer.TRUNCATED);
                default -> throw new IllegalStateException();
            }
        }
    }

    // --- down at start -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Breakage.class)
    void endpointBrokenAtStartAnswers503WithRetryAfterAndNever401(Breakage breakage) throws Exception {
        breakage.applyTo(endpoint);

        TestHttpResponse valid = call(token().sign());
        TestHttpResponse unknownKid = call(token().signedBy(TestKeys.OTHER).sign());

        assertKeysUnavailable(valid);
        assertKeysUnavailable(unknownKid);
        assertThat(keys.fetchCount()).as("attempts inside the failure backoff").isEqualTo(1);
    }

    @Test
    void endpointDownAtStartServesOnceItIsBackAndTheBackoffHasPassed() throws Exception {
        endpoint.down();
        assertKeysUnavailable(call(token().sign()));

        endpoint.up();
        clock.advance(TIMING.failureBackoff());

        assertAllowed(call(token().sign()));
        assertThat(endpoint.requestCount()).isEqualTo(1);
    }

    // --- down or broken after warm ---------------------------------------------------------------------------------

    @Test
    void endpointDownAfterWarmKeepsCachedKeysWorkingForTheirLifetimeThenAnswers503() throws Exception {
        assertAllowed(call(token().sign()));
        endpoint.down();

        clock.advance(TIMING.refreshAfter().plusSeconds(1));
        assertAllowed(call(token().sign()));
        clock.advance(TIMING.maxAge().minus(TIMING.refreshAfter()).minusSeconds(2));
        assertAllowed(call(token().sign()));
        long attemptsWhileDown = keys.fetchCount() - 1;
        clock.advance(Duration.ofSeconds(1));

        assertKeysUnavailable(call(token().sign()));
        assertThat(attemptsWhileDown).as("refreshes tried while down").isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = Breakage.class, names = "CONNECTION_REFUSED", mode = EnumSource.Mode.EXCLUDE)
    void brokenAnswerAfterWarmKeepsTheOldKeys(Breakage breakage) throws Exception {
        assertAllowed(call(token().sign()));
        breakage.applyTo(endpoint);

        clock.advance(TIMING.refreshAfter().plusSeconds(1));
        TestHttpResponse afterFailedRefresh = call(token().sign());
        clock.advance(TIMING.maxAge().minus(TIMING.refreshAfter()).minusSeconds(2));
        TestHttpResponse lastSecond = call(token().sign());

        assertAllowed(afterFailedRefresh);
        assertAllowed(lastSecond);
        // Attempts, not requests: the JDK client retries a GET once on a connection closed without an answer.
        assertThat(keys.fetchCount()).as("the warm fetch and two failed refreshes").isEqualTo(3);
    }

    // --- slow ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Answer.class, names = {"HANG_BEFORE_ANSWER", "STALL_IN_BODY"})
    void slowEndpointOnAColdCacheIsAnswered503WithinTheFetchBoundByOneFetch(Answer slowness) throws Exception {
        endpoint.answer(slowness);
        ExecutorService callers = Executors.newFixedThreadPool(9);
        try {
            Future<TestHttpResponse> first = callers.submit(() -> call(token().sign()));
            assertThat(endpoint.awaitRequests(1, Duration.ofSeconds(STUCK_SECONDS))).isTrue();
            List<Future<TestHttpResponse>> meanwhile = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                meanwhile.add(callers.submit(() -> call(token().sign())));
            }

            assertKeysUnavailable(first.get(STUCK_SECONDS, TimeUnit.SECONDS));
            assertThat(endpoint.hangsOutlasted()).as("answered while the endpoint still hung").isZero();
            for (Future<TestHttpResponse> later : meanwhile) {
                assertKeysUnavailable(later.get(STUCK_SECONDS, TimeUnit.SECONDS));
            }
            assertThat(endpoint.requestCount()).as("fetches").isEqualTo(1);
            assertThat(endpoint.maxOpenConnections()).as("fetches in flight at once").isEqualTo(1);
            assertThat(endpoint.hangsOutlasted()).isZero();
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Answer.class, names = {"HANG_BEFORE_ANSWER", "STALL_IN_BODY"})
    void slowEndpointOnADueRefreshHoldsUpNoOtherRequestAndKeepsTheOldKeys(Answer slowness) throws Exception {
        assertAllowed(call(token().sign()));
        endpoint.answer(slowness);
        clock.advance(TIMING.refreshAfter().plusSeconds(1));
        ExecutorService refresher = Executors.newSingleThreadExecutor();
        try {
            Future<TestHttpResponse> refreshing = refresher.submit(() -> call(token().sign()));
            assertThat(endpoint.awaitRequests(2, Duration.ofSeconds(STUCK_SECONDS))).isTrue();

            boolean othersAnsweredDuringTheHang = true;
            for (int i = 0; i < 10; i++) {
                assertAllowed(call(token().sign()));
                othersAnsweredDuringTheHang &= !refreshing.isDone();
            }

            assertAllowed(refreshing.get(STUCK_SECONDS, TimeUnit.SECONDS));
            assertThat(endpoint.hangsOutlasted()).as("refresh cut by the fetch bound, not by the endpoint").isZero();
            assertThat(othersAnsweredDuringTheHang).isTrue();
            assertThat(endpoint.requestCount()).isEqualTo(2);
            assertThat(endpoint.maxOpenConnections()).isEqualTo(1);
        } finally {
            refresher.shutdownNow();
        }
    }

    // --- rotation -------------------------------------------------------------------------------------------------

    @Test
    void rotatedInKidIsAcceptedAfterOneFetchAndRemovedKidIsRefusedAfterTheRefresh() throws Exception {
        assertAllowed(call(token().sign()));
        endpoint.serve(TestKeys.PRIMARY, TestKeys.SECONDARY);
        clock.advance(TIMING.unknownKidInterval());

        assertAllowed(call(token().signedBy(TestKeys.SECONDARY).sign()));
        assertThat(endpoint.requestCount()).as("one fetch for the new kid").isEqualTo(2);
        assertAllowed(call(token().sign()));

        endpoint.serve(TestKeys.SECONDARY);
        clock.advance(Duration.ofMinutes(30));
        assertAllowed(call(token().sign()));
        assertThat(endpoint.requestCount()).as("no fetch before the refresh is due").isEqualTo(2);
        clock.advance(TIMING.refreshAfter());

        TestHttpResponse removed = call(token().sign());
        assertThat(removed.getStatusCode()).isEqualTo(401);
        assertThat(removed.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(code(removed)).isEqualTo("CG401-UNKNOWN-KEY");
        assertAllowed(call(token().signedBy(TestKeys.SECONDARY).sign()));
        assertThat(endpoint.requestCount()).isEqualTo(3);
    }

    // --- review finding 1: a cached acceptance outlives its key ------------------------------------------------------

    @Test
    void cachedAcceptanceOutlivesItsKeyNoLongerThanTheNextRefresh() throws Exception {
        String repeated = token().claim("exp", clock.instant().plus(Duration.ofHours(24)).getEpochSecond()).sign();
        assertAllowed(call(repeated));
        assertAllowed(call(repeated));
        endpoint.serve(TestKeys.SECONDARY);
        clock.advance(Duration.ofMinutes(30));
        assertAllowed(call(repeated));
        clock.advance(TIMING.refreshAfter());

        TestHttpResponse afterRotation = call(repeated);

        assertThat(endpoint.requestCount()).as("the refresh ran although every request was a cache hit").isEqualTo(2);
        assertThat(afterRotation.getStatusCode()).isEqualTo(401);
        assertThat(afterRotation.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(code(afterRotation)).isEqualTo("CG401-UNKNOWN-KEY");
        assertThat(code(call(repeated))).isEqualTo("CG401-UNKNOWN-KEY");
    }

    @Test
    void cachedAcceptanceOutlivesItsKeyNoLongerThanTheStaleKeyLimitWhileTheEndpointIsDown() throws Exception {
        String repeated = token().claim("exp", clock.instant().plus(Duration.ofHours(48)).getEpochSecond()).sign();
        assertAllowed(call(repeated));
        endpoint.down();
        clock.advance(TIMING.refreshAfter().plusSeconds(1));
        assertAllowed(call(repeated));
        clock.advance(TIMING.maxAge());

        TestHttpResponse afterTheLimit = call(repeated);

        assertKeysUnavailable(afterTheLimit);
        assertKeysUnavailable(call(token().sign()));
    }

    @Test
    void cachedAcceptanceSurvivesARefreshThatKeepsItsKey() throws Exception {
        String repeated = token().claim("exp", clock.instant().plus(Duration.ofHours(24)).getEpochSecond()).sign();
        assertAllowed(call(repeated));
        endpoint.serve(TestKeys.SECONDARY, TestKeys.PRIMARY);
        clock.advance(TIMING.refreshAfter().plusSeconds(1));

        assertAllowed(call(repeated));
        assertThat(endpoint.requestCount()).isEqualTo(2);
    }

    @Test
    void dailyRefreshStillLeavesTheStaleKeyGraceWhenTheDueRefreshFails() throws Exception {
        KeySetCache.Timing daily = TIMING.refreshingEvery(Duration.ofMinutes(1440));
        keys = new KeySetCache(new JwksKeySetSource(endpoint.keysUrl()), clock, daily);
        guard = CallerGuard.over(GuardRuntime.of(TestSettings.load(endpoint.keysUrl()), keys, clock));
        String repeated = token().claim("exp", clock.instant().plus(Duration.ofHours(48)).getEpochSecond()).sign();
        assertAllowed(call(repeated));
        endpoint.answer(Answer.STATUS_500);
        clock.advance(daily.refreshAfter().plusSeconds(1));

        assertAllowed(call(repeated));
        assertAllowed(call(token().sign()));
        assertThat(keys.fetchCount()).as("the warm fetch and the failed daily refresh").isEqualTo(2);
        clock.advance(KeySetCache.Timing.STALE_GRACE);
        assertKeysUnavailable(call(repeated));
    }

    // --- review finding 4: 503 for junk after a failed refresh ---------------------------------------------------

    @ParameterizedTest
    @EnumSource(Breakage.class)
    void unknownKidAfterAFailedRefreshIs401WhileTheCachedKeysAreGood(Breakage breakage) throws Exception {
        assertAllowed(call(token().sign()));
        breakage.applyTo(endpoint);
        clock.advance(TIMING.refreshAfter().plusSeconds(1));
        assertAllowed(call(token().sign()));

        TestHttpResponse unknownKid = call(token().signedBy(TestKeys.OTHER).sign());

        assertThat(unknownKid.getStatusCode()).isEqualTo(401);
        assertThat(code(unknownKid)).isEqualTo("CG401-UNKNOWN-KEY");
        assertThat(keys.fetchCount()).as("the warm fetch and the failed refresh").isEqualTo(2);
    }

    // --- load -----------------------------------------------------------------------------------------------------

    @Test
    void hundredConcurrentFirstRequestsShareExactlyOneFetchAndAllPass() throws Exception {
        endpoint.answer(Answer.HANG_BEFORE_ANSWER);
        int callers = 100;
        String token = token().sign();
        List<Thread> threads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers, runnable -> {
            Thread thread = new Thread(runnable);
            synchronized (threads) {
                threads.add(thread);
            }
            return thread;
        });
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        try {
            List<Future<TestHttpResponse>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    entered.incrementAndGet();
                    return call(token);
                }));
            }
            go.countDown();
            assertThat(endpoint.awaitRequests(1, Duration.ofSeconds(STUCK_SECONDS))).isTrue();
            awaitAllParked(threads, entered, callers);
            endpoint.release();

            for (Future<TestHttpResponse> answer : answers) {
                assertAllowed(answer.get(STUCK_SECONDS, TimeUnit.SECONDS));
            }
            assertThat(endpoint.requestCount()).as("fetches").isEqualTo(1);
            assertThat(endpoint.maxOpenConnections()).isEqualTo(1);
            assertThat(keys.fetchCount()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private TestTokens token() {
        return TestTokens.valid(clock.instant());
    }

    private TestHttpResponse call(String bearer) {
        TestHttpRequest request = TestHttpRequest.get("/api/hello").bearer(bearer);
        return (TestHttpResponse) guard.handle(request, new TestContext("hello"), caller -> request
                .createResponseBuilder(HttpStatus.OK).body("Hello, " + caller.objectId() + "!").build());
    }

    private static void assertAllowed(TestHttpResponse response) {
        assertThat(response.getStatusCode()).as("status of %s", response.bodyText()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("Hello, " + TestIds.ALLOWED_CALLER + "!");
    }

    private static void assertKeysUnavailable(TestHttpResponse response) throws IOException {
        assertThat(response.getStatusCode()).as("status of %s", response.bodyText()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo(String.valueOf(BearerChallenge.RETRY_AFTER_SECONDS));
        assertThat(response.getHeader("WWW-Authenticate")).isNull();
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(code(response)).isEqualTo("CG503-KEYS");
    }

    private static String code(TestHttpResponse response) throws IOException {
        JsonNode problem = new ObjectMapper().readTree(response.bodyText());
        return problem.get("code").asText();
    }

    /**
     * Waits, boundedly, until every caller is inside the check and parked (on the fetch lock or the one fetch), so
     * that all of them arrive while the first fetch is in flight. Proceeding early weakens the test but cannot make
     * it pass wrongly.
     */
    private static void awaitAllParked(List<Thread> threads, AtomicInteger entered, int callers)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            boolean allParked;
            synchronized (threads) {
                allParked = entered.get() == callers && threads.size() == callers && threads.stream()
                        .allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
            }
            if (allParked) {
                return;
            }
            Thread.sleep(10);
        }
    }
}
