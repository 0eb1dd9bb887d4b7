package dev.callerguard.internal.keys;

import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwksHttpClient;
import com.auth0.jwk.JwksHttpResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callerguard.internal.credentials.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP side of jwks-rsa's {@link com.auth0.jwk.UrlJwkProvider}: one GET with a connect timeout and a bound on
 * the whole request, status 200 and at most {@link #MAX_BODY_BYTES} required. Entries that jwks-rsa cannot read
 * (no {@code kty}, a {@code kid} that is not a string, ...) are dropped here, as RFC 7517 section 5 asks, so that
 * one odd entry does not make the whole key set unusable. Thread-safe; the HTTP client is built once, on the
 * first fetch, so that a process that never checks a token (only {@code /api/health} called) never starts one.
 */
final class KeySetHttpClient implements JwksHttpClient {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final ObjectReader ENTRY = StrictJson.READER.forType(MAP);

    /** Ends body reads that outlast the request timeout; one daemon thread per process. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "callerguard-key-fetch-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration connectTimeout;
    private volatile HttpClient client;
    private final Duration requestTimeout;

    KeySetHttpClient(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    private HttpClient client() {
        HttpClient built = client;
        if (built == null) {
            synchronized (this) {
                built = client;
                if (built == null) {
                    built = HttpClient.newBuilder().connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                    client = built;
                }
            }
        }
        return built;
    }

    @Override
    public JwksHttpResponse fetch(URL url) throws IOException {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        HttpResponse<InputStream> response;
        try {
            response = client().send(HttpRequest.newBuilder(url.toURI()).timeout(requestTimeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (URISyntaxException e) {
            throw new IOException("not a URI: " + url, e);
        }
        byte[] body = readBody(response.body(), deadline);
        if (response.statusCode() != 200) {
            throw new IOException("key endpoint answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("key set larger than " + MAX_BODY_BYTES + " bytes");
        }
        return new JwksHttpResponse(StrictJson.WRITER.writeValueAsString(readableEntries(body)));
    }

    /**
     * Reads at most {@link #MAX_BODY_BYTES} + 1 bytes of the body, by {@code deadline}: the request timeout only
     * bounds the wait for the response headers, so a body that stalls would otherwise hold the fetch (and every
     * request waiting for it) for as long as the endpoint likes. At the deadline the stream is closed, which
     * makes the blocked read fail.
     */
    private byte[] readBody(InputStream in, long deadline) throws IOException {
        AtomicBoolean cut = new AtomicBoolean();
        ScheduledFuture<?> cutoff = DEADLINES.schedule(() -> {
            cut.set(true);
            try {
                in.close();
            } catch (IOException ignored) {
                // the read fails either way
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        byte[] body = null;
        try (in) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            if (!cut.get()) {
                throw e;
            }
        } finally {
            cutoff.cancel(false);
        }
        if (cut.get()) {
            throw new HttpTimeoutException("key set not received within " + requestTimeout);
        }
        return body;
    }

    /** The document with only the entries jwks-rsa can read. */
    static ObjectNode readableEntries(byte[] body) throws IOException {
        // readTree gives a node for every input, MissingNode for no content (Jackson 2.10 on), never null.
        JsonNode keys = StrictJson.READER.readTree(body).get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IOException("not a JWKS document: no 'keys' array");
        }
        ArrayNode readable = JsonNodeFactory.instance.arrayNode();
        for (JsonNode entry : keys) {
            if (entry.isObject() && readable(entry)) {
                readable.add(entry);
            }
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("keys", readable);
        return result;
    }

    private static boolean readable(JsonNode entry) {
        try {
            jwk(entry);
            return true;
        } catch (IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** jwks-rsa's model of one key set entry. */
    static Jwk jwk(JsonNode entry) {
        try {
            return Jwk.fromValues(ENTRY.readValue(entry));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable key set entry", e);
        }
    }
}
