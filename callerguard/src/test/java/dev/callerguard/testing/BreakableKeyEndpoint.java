package dev.callerguard.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key endpoint on 127.0.0.1 that tests can break in the ways a real one breaks: reset connections, close the
 * connection without an answer, answer 500, HTML, garbage, an empty or a truncated key set, or hang — before
 * the answer or in the middle of its body — until {@link #release() released} or for {@link #hangFor N seconds}.
 * It speaks HTTP/1.1 over raw sockets (one request per connection) so that it can misbehave below what an HTTP
 * server library allows, and it counts requests and the connections open at once, so that tests can prove how
 * many fetches were in flight.
 */
public final class BreakableKeyEndpoint implements AutoCloseable {
    /** How the endpoint answers a request. */
    public enum Answer {
        /** 200 with the key set given to {@link #serve}. */
        KEYS,
        /** 500 with a JSON error body. */
        STATUS_500,
        /** 200 with an HTML page, as a captive portal or a misrouted proxy answers. */
        HTML,
        /** 200 with bytes that are not JSON. */
        GARBAGE,
        /** 200 with a well-formed key set that holds no key. */
        EMPTY_KEY_SET,
        /** 200 announcing the whole key set, sending half of it, then closing. */
        TRUNCATED,
        /** Reads the request and closes the connection without a byte of answer. */
        CLOSE_WITHOUT_ANSWER,
        /** Reads the request and sends nothing until released (then the keys) or the hang ends (then closes). */
        HANG_BEFORE_ANSWER,
        /** Sends the status line, headers and half the key set, then stalls like {@link #HANG_BEFORE_ANSWER}. */
        STALL_IN_BODY
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_REQUEST_HEAD = 64 * 1024;
    private static final int HANG_POLL_MILLIS = 20;

    private final int port;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "breakable-key-endpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger hangsOutlasted = new AtomicInteger();
    private final AtomicInteger hangsAbandoned = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();

    private final ServerSocket listening;
    private volatile byte[] keySet;
    private volatile Answer answer = Answer.KEYS;
    private volatile Duration hang = Duration.ofSeconds(30);
    private volatile boolean closed;
    private volatile boolean down;

    private BreakableKeyEndpoint(ServerSocket listening) {
        this.listening = listening;
        this.port = listening.getLocalPort();
    }

    /** Starts listening on a free loopback port, serving these keys. */
    public static BreakableKeyEndpoint start(TestKeys... keys) throws IOException {
        BreakableKeyEndpoint endpoint = new BreakableKeyEndpoint(listen(0));
        endpoint.serve(keys);
        endpoint.acceptOn(endpoint.listening);
        return endpoint;
    }

    /** Answers with these keys from now on. */
    public void serve(TestKeys... keys) {
        List<Map<String, Object>> jwks = Arrays.stream(keys).map(TestKeys::jwk).toList();
        try {
            keySet = MAPPER.writeValueAsBytes(Map.of("keys", jwks));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        answer = Answer.KEYS;
    }

    /** Answers every request from now on this way. */
    public void answer(Answer how) {
        answer = how;
    }

    /** How long a hanging answer lasts before the endpoint gives up and closes the connection (default 30 s). */
    public void hangFor(Duration duration) {
        hang = duration;
    }

    /** Ends every hang in progress: those connections get the key set after all. */
    public void release() {
        releases.incrementAndGet();
    }

    /**
     * Goes down: every connection is reset at once (TCP RST) until {@link #up()}. The port stays bound, so that
     * no other server of the test JVM can take it over meanwhile and answer in its place.
     */
    public void down() {
        down = true;
    }

    /** Serves again. */
    public void up() {
        down = false;
    }

    public URI keysUrl() {
        return URI.create("http://127.0.0.1:" + port + "/" + TestIds.TENANT + "/discovery/v2.0/keys");
    }

    /** Requests received (a connection counts once its request head has arrived). */
    public int requestCount() {
        return requests.get();
    }

    /** Most connections that were open at the same time. */
    public int maxOpenConnections() {
        return maxOpen.get();
    }

    /** Hangs the endpoint ended itself because the client was still waiting when they ran out. */
    public int hangsOutlasted() {
        return hangsOutlasted.get();
    }

    /** Hangs the client ended by closing the connection. */
    public int hangsAbandoned() {
        return hangsAbandoned.get();
    }

    /** Waits, boundedly, until at least {@code count} requests have arrived; false if they did not. */
    public boolean awaitRequests(int count, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (requests.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            listening.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return socket;
    }

    private void acceptOn(ServerSocket socket) {
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.execute(() -> serve(connection));
                } catch (IOException | RuntimeException e) {
                    // closed by down() or close(); a rejected execution after shutdown also ends here
                }
            }
        }, "breakable-key-endpoint-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket connection) {
        if (down) {
            try (connection) {
                connection.setSoLinger(true, 0);
            } catch (IOException e) {
                // reset either way
            }
            return;
        }
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (connection) {
            connection.setSoTimeout(10_000);
            InputStream in = connection.getInputStream();
            if (!readRequestHead(in)) {
                return;
            }
            requests.incrementAndGet();
            OutputStream out = connection.getOutputStream();
            byte[] keys = keySet;
            switch (answer) {
                case KEYS -> respond(out, 200, "application/json", keys);
                case STATUS_500 -> respond(out, 500, "application/json", bytes("{\"error\":\"server_error\"}"));
                case HTML -> respond(out, 200, "text/html; charset=utf-8",
                        bytes("<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login</body></html>"));
                case GARBAGE -> respond(out, 200, "application/json",
                        new byte[] {0, (byte) 0xff, '{', 'k', 'e', 'y', 's', ':', '[', (byte) 0xc3, 0x28, '\n'});
                case EMPTY_KEY_SET -> respond(out, 200, "application/json", bytes("{\"keys\":[]}"));
                case TRUNCATED -> {
                    head(out, 200, "application/json", keys.length);
                    out.write(keys, 0, keys.length / 2);
                    out.flush();
                }
                case CLOSE_WITHOUT_ANSWER -> {
                    // nothing: try-with-resources closes the connection
                }
                case HANG_BEFORE_ANSWER -> {
                    if (hang(connection)) {
                        respond(out, 200, "application/json", keys);
                    }
                }
                case STALL_IN_BODY -> {
                    head(out, 200, "application/json", keys.length);
                    out.write(keys, 0, keys.length / 2);
                    out.flush();
                    if (hang(connection)) {
                        out.write(keys, keys.length / 2, keys.length - keys.length / 2);
                        out.flush();
                    }
                }
                default -> throw new IllegalStateException("unknown answer " + answer);
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        } finally {
            open.decrementAndGet();
        }
    }

    /**
     * Holds the connection until released (true), until the client closes it, or until the hang runs out (false
     * both).
     */
    private boolean hang(Socket connection) throws IOException {
        int releasesAtStart = releases.get();
        long deadline = System.nanoTime() + hang.toNanos();
        connection.setSoTimeout(HANG_POLL_MILLIS);
        InputStream in = connection.getInputStream();
        while (true) {
            if (releases.get() != releasesAtStart) {
                return !closed;
            }
            if (System.nanoTime() - deadline >= 0) {
                hangsOutlasted.incrementAndGet();
                return false;
            }
            try {
                if (in.read() < 0) {
                    hangsAbandoned.incrementAndGet();
                    return false;
                }
            } catch (SocketTimeoutException stillOpen) {
                // the client is still waiting
            } catch (IOException reset) {
                hangsAbandoned.incrementAndGet();
                return false;
            }
        }
    }

    /** Reads up to the blank line that ends the request head; false if the client closed first. */
    private static boolean readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        for (int read = 0; read < MAX_REQUEST_HEAD; read++) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    private static void respond(OutputStream out, int status, String contentType, byte[] body) throws IOException {
        head(out, status, contentType, body.length);
        out.write(body);
        out.flush();
    }

    private static void head(OutputStream out, int status, String contentType, int contentLength) throws IOException {
        String reason = status == 200 ? "OK" : "Internal Server Error";
        out.write(bytes("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + contentLength + "\r\nConnection: close\r\n\r\n"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
