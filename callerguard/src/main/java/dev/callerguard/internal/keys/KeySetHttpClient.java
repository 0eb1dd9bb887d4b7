package dev.callerguard.internal.keys;

import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwksHttpClient;
import com.auth0.jwk.JwksHttpResponse;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callerguard.internal.credentials.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of jwks-rsa's {@link com.auth0.jwk.UrlJwkProvider}: one GET, status 200 and at most
 * {@link #MAX_BODY_BYTES} required, the whole fetch (name resolution, connection, request, body) bounded by one
 * deadline, the request timeout. Each entry of the {@code keys} array is read on its own with the strict JSON
 * limits ({@link StrictJson#READER}); an entry that breaks them, or that jwks-rsa cannot read (no {@code kty}, a
 * {@code kid} that is not a string, ...), is dropped alone, as RFC 7517 section 5 asks, so that one odd entry does
 * not make the whole key set unusable. Thread-safe; the HTTP client and the fetch thread are made on the first
 * fetch, so that a process that never checks a token (only {@code /api/health} called) never starts them.
 */
final class KeySetHttpClient implements JwksHttpClient {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final ObjectReader ENTRY = StrictJson.READER.forType(MAP);
    /**
     * Reads the document around the entries: strict syntax (Jackson's default), but no duplicate detection and
     * Jackson's default bounds rather than the strict ones, which {@link StrictJson#READER} applies to each entry.
     * Its bounds (nesting 1000, numbers of 1000 digits) are the only ones whose breach anywhere loses the document;
     * strings and names are bounded by the body's size.
     */
    private static final JsonFactory DOCUMENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_BODY_BYTES)
                    .maxNameLength(MAX_BODY_BYTES)
                    .build())
            .build();

    /** The step that can block: sends the request and waits for the answer's head. A field so that tests can stall it. */
    interface Exchange {
        HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException;
    }

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Exchange exchange;
    private volatile HttpClient client;
    private volatile ThreadPoolExecutor fetcher;

    KeySetHttpClient(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.exchange = request -> client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** As the real one, with another blocking step (tests). */
    KeySetHttpClient(Duration connectTimeout, Duration requestTimeout, Exchange exchange) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.exchange = exchange;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return client;
    }

    /**
     * The one thread that runs this client's fetches. A fetch past its deadline is interrupted, which ends a wait
     * for the answer or the body; a name lookup is not interruptible (the JDK resolves names synchronously, with
     * the resolver's own timeouts), so the thread may stay busy with it after the caller has given up. One fetch
     * may wait behind it; any further one is refused at once, so that a resolver that hangs holds one thread and
     * never the requests waiting on the key set. The thread ends after 30 idle seconds.
     */
    private synchronized ThreadPoolExecutor fetcher() {
        if (fetcher == null) {
            fetcher = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), task -> {
                Thread thread = new Thread(task, "callerguard-key-fetch");
                thread.setDaemon(true);
                return thread;
            });
            fetcher.allowCoreThreadTimeOut(true);
        }
        return fetcher;
    }

    /** The fetch, on {@link #fetcher}, given up when the request timeout has passed since this call. */
    @Override
    public JwksHttpResponse fetch(URL url) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url.toURI()).timeout(requestTimeout)
                    .header("Accept", "application/json").GET().build();
        } catch (URISyntaxException e) {
            throw new IOException("not a URI: " + url, e);
        }
        Future<JwksHttpResponse> fetch;
        try {
            fetch = fetcher().submit(() -> fetchNow(request));
        } catch (RejectedExecutionException e) {
            throw new IOException("an earlier key fetch has not ended after its deadline");
        }
        try {
            return fetch.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            fetch.cancel(true);
            throw new HttpTimeoutException("key set not received within " + requestTimeout);
        } catch (InterruptedException e) {
            fetch.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failed) {
                throw failed;
            }
            throw new IOException("key fetch failed: " + e.getCause().getClass().getName(), e.getCause());
        }
    }

    private JwksHttpResponse fetchNow(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = exchange.send(request);
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("key endpoint answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("key set larger than " + MAX_BODY_BYTES + " bytes");
        }
        return new JwksHttpResponse(StrictJson.WRITER.writeValueAsString(readableEntries(body)));
    }

    /**
     * The document with only the entries jwks-rsa can read. The document must be one JSON object with one
     * {@code keys} array; each entry is copied out as its own JSON text and read strictly, so that a duplicate
     * member, an overlong string or number or deep nesting in one entry drops that entry alone.
     */
    static ObjectNode readableEntries(byte[] body) throws IOException {
        ArrayNode readable = JsonNodeFactory.instance.arrayNode();
        boolean keysSeen = false;
        try (JsonParser parser = DOCUMENT.createParser(strictUtf8(body))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JWKS document: no 'keys' array");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean keys = parser.currentName().equals("keys");
                JsonToken value = parser.nextToken();
                if (!keys) {
                    parser.skipChildren();
                    continue;
                }
                if (keysSeen || value != JsonToken.START_ARRAY) {
                    throw new IOException("not a JWKS document: no 'keys' array");
                }
                keysSeen = true;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    strictEntry(entryText(parser)).filter(KeySetHttpClient::readable).ifPresent(readable::add);
                }
            }
            if (parser.nextToken() != null) {
                throw new IOException("not a JWKS document: data after the object");
            }
        }
        if (!keysSeen) {
            throw new IOException("not a JWKS document: no 'keys' array");
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("keys", readable);
        return result;
    }

    /** The document's text, which RFC 8259 section 8.1 requires to be UTF-8, decoded as strictly as credentials. */
    private static String strictUtf8(byte[] body) throws IOException {
        try {
            return StrictJson.strictUtf8(body).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not a JWKS document: not UTF-8");
        }
    }

    /**
     * The value the parser is at, with everything it holds, written out as a JSON text of its own. Numbers are
     * copied exactly ({@code copyCurrentStructureExact}: a float as its decimal value, never rounded to a double), so
     * that the strict reader counts their digits as sent.
     */
    private static String entryText(JsonParser parser) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = DOCUMENT.createGenerator(text)) {
            generator.copyCurrentStructureExact(parser);
        }
        return text.toString();
    }

    /** The entry read with the strict limits, if it is an object within them. */
    private static Optional<JsonNode> strictEntry(String text) {
        try {
            JsonNode entry = StrictJson.READER.readTree(text);
            return entry.isObject() ? Optional.of(entry) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
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
