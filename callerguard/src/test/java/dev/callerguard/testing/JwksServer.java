package dev.callerguard.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real HTTP key endpoint on 127.0.0.1 serving {@code /{tenant}/discovery/v2.0/keys}, so that jwks-rsa really
 * fetches over HTTP. Tests change the keys it serves, make it answer 500 or garbage, and count requests.
 */
public final class JwksServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String body;
    private volatile int status = 200;

    private JwksServer(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free port serving the given keys. */
    public static JwksServer start(TestKeys... keys) throws IOException {
        JwksServer jwks = create();
        jwks.serve(keys);
        jwks.server.start();
        return jwks;
    }

    /** Starts on a free port serving this body with status 200: a key document exactly as published. */
    public static JwksServer startRaw(String body) throws IOException {
        JwksServer jwks = create();
        jwks.serveRaw(200, body);
        jwks.server.start();
        return jwks;
    }

    private static JwksServer create() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        JwksServer jwks = new JwksServer(http);
        http.createContext("/", exchange -> {
            jwks.requests.incrementAndGet();
            byte[] bytes = jwks.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(jwks.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        return jwks;
    }

    /** Serves these keys from now on. */
    public void serve(TestKeys... keys) {
        List<Map<String, Object>> jwks = List.of(keys).stream().map(TestKeys::jwk).collect(Collectors.toList());
        try {
            serveRaw(200, MAPPER.writeValueAsString(Map.of("keys", jwks)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers every request with this status and body. */
    public void serveRaw(int status, String body) {
        this.status = status;
        this.body = body;
    }

    public URI keysUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + TestIds.TENANT
                + "/discovery/v2.0/keys");
    }

    public int requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
