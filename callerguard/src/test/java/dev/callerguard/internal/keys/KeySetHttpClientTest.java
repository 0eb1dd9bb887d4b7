package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.auth0.jwk.JwksHttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.testing.BreakableKeyEndpoint;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.TestKeys;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeySetHttpClient}, the HTTP side of the key fetch, against real key endpoints: {@link JwksServer} for
 * what an endpoint answers, {@link BreakableKeyEndpoint} for an endpoint that stalls.
 */
class KeySetHttpClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KeySetHttpClient client = new KeySetHttpClient(JwksKeySetSource.CONNECT_TIMEOUT,
            JwksKeySetSource.REQUEST_TIMEOUT);
    private JwksServer server;

    @BeforeEach
    void startKeyEndpoint() throws IOException {
        server = JwksServer.start(TestKeys.PRIMARY);
    }

    @AfterEach
    void stopKeyEndpoint() {
        server.close();
    }

    @Test
    void acceptsAKeySetOfExactlyTheSizeBound() throws Exception {
        server.serveRaw(200, keySetPaddedTo(KeySetHttpClient.MAX_BODY_BYTES));

        JwksHttpResponse response = client.fetch(url(server));

        assertThat(kids(response)).containsExactly(TestKeys.PRIMARY.kid());
    }

    /** The document is valid JSON when cut at the bound too (trailing spaces), so only the bound refuses it. */
    @Test
    void refusesAKeySetOneByteOverTheSizeBound() {
        server.serveRaw(200, keySetPaddedTo(KeySetHttpClient.MAX_BODY_BYTES + 1));

        assertThatThrownBy(() -> client.fetch(url(server))).isInstanceOf(IOException.class)
                .hasMessage("key set larger than " + KeySetHttpClient.MAX_BODY_BYTES + " bytes");
    }

    @Test
    void refusesADocumentWithoutAKeysArray() {
        server.serveRaw(200, "{\"jwks\":[]}");

        assertThatThrownBy(() -> client.fetch(url(server))).isInstanceOf(IOException.class)
                .hasMessage("not a JWKS document: no 'keys' array");
    }

    @Test
    void aBodyThatStallsPastTheRequestTimeoutIsATimeout() throws Exception {
        Duration requestTimeout = Duration.ofMillis(500);
        KeySetHttpClient impatient = new KeySetHttpClient(JwksKeySetSource.CONNECT_TIMEOUT, requestTimeout);
        try (BreakableKeyEndpoint stalling = BreakableKeyEndpoint.start(TestKeys.PRIMARY)) {
            stalling.answer(BreakableKeyEndpoint.Answer.STALL_IN_BODY);

            assertThatThrownBy(() -> impatient.fetch(stalling.keysUrl().toURL()))
                    .isInstanceOf(HttpTimeoutException.class)
                    .hasMessage("key set not received within " + requestTimeout);
            assertThat(stalling.hangsOutlasted()).as("cut by the client, not by the endpoint").isZero();
        }
    }

    @Test
    void aBodyCutShortByTheEndpointFailsTheFetchAsSuch() throws Exception {
        try (BreakableKeyEndpoint truncating = BreakableKeyEndpoint.start(TestKeys.PRIMARY)) {
            truncating.answer(BreakableKeyEndpoint.Answer.TRUNCATED);

            assertThatThrownBy(() -> client.fetch(truncating.keysUrl().toURL()))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void anInterruptedFetchFailsAndLeavesTheThreadInterrupted() throws Exception {
        try (BreakableKeyEndpoint hanging = BreakableKeyEndpoint.start(TestKeys.PRIMARY)) {
            hanging.answer(BreakableKeyEndpoint.Answer.HANG_BEFORE_ANSWER);
            URL url = hanging.keysUrl().toURL();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean interruptedAfterwards = new AtomicBoolean();
            Thread fetcher = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    client.fetch(url);
                } catch (Throwable e) {
                    thrown.set(e);
                }
                interruptedAfterwards.set(Thread.currentThread().isInterrupted());
            }, "interrupted-key-fetch");
            fetcher.setDaemon(true);

            fetcher.start();
            fetcher.join(Duration.ofSeconds(30).toMillis());

            assertThat(fetcher.isAlive()).as("the fetch returned").isFalse();
            assertThat(thrown.get()).isInstanceOf(IOException.class).hasMessage("interrupted");
            assertThat(interruptedAfterwards).as("the interrupt is kept for the caller").isTrue();
        }
    }

    /**
     * Second review, suspicion on name resolution: the JDK resolves a host name synchronously, outside the
     * connect and request timeouts, and cannot be interrupted. The blocking step here stands in for a resolver that
     * hangs: it ignores interrupts until released. One deadline bounds the whole fetch all the same, a fetch
     * behind the stuck one waits at most its own deadline, any further one is refused at once (no thread piles up),
     * and fetches work again once the resolver answers.
     */
    @Test
    void aLookupThatHangsUninterruptiblyIsBoundedByTheFetchDeadline() throws Exception {
        Duration requestTimeout = Duration.ofMillis(300);
        CountDownLatch resolverAnswers = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        KeySetHttpClient real = new KeySetHttpClient(JwksKeySetSource.CONNECT_TIMEOUT, requestTimeout);
        KeySetHttpClient stuck = new KeySetHttpClient(JwksKeySetSource.CONNECT_TIMEOUT, requestTimeout, request -> {
            if (lookups.incrementAndGet() == 1) {
                awaitIgnoringInterrupts(resolverAnswers);
            }
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        });
        URL keys = url(server);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> stuck.fetch(keys)).isInstanceOf(HttpTimeoutException.class)
                    .hasMessage("key set not received within " + requestTimeout);
            assertThatThrownBy(() -> stuck.fetch(keys)).as("waits behind the stuck one, within its own deadline")
                    .isInstanceOf(HttpTimeoutException.class);
            assertThatThrownBy(() -> stuck.fetch(keys)).isInstanceOf(IOException.class)
                    .hasMessage("an earlier key fetch has not ended after its deadline");
        });
        assertThat(lookups).as("only the stuck fetch reached the lookup").hasValue(1);

        resolverAnswers.countDown();
        await(() -> {
            try {
                return kids(stuck.fetch(keys)).equals(List.of(TestKeys.PRIMARY.kid()));
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(kids(real.fetch(keys))).containsExactly(TestKeys.PRIMARY.kid());
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} for up to 30 s. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(end);
            Thread.sleep(50);
        }
    }

    private static URL url(JwksServer server) throws IOException {
        return server.keysUrl().toURL();
    }

    /** The primary key's key set, with trailing spaces up to {@code size} bytes. */
    private static String keySetPaddedTo(int size) {
        try {
            String document = MAPPER.writeValueAsString(Map.of("keys", List.of(TestKeys.PRIMARY.jwk())));
            return document + " ".repeat(size - document.length());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> kids(JwksHttpResponse response) throws IOException {
        JsonNode keys = MAPPER.readTree(response.getBody()).get("keys");
        return StreamSupport.stream(keys.spliterator(), false)
                .map(key -> key.get("kid").asText()).toList();
    }
}
