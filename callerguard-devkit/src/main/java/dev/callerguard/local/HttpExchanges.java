package dev.callerguard.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.callerguard.internal.settings.GuardSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Small helpers for the JDK HTTP server the local emulator and host run on. */
final class HttpExchanges {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpExchanges() {
    }

    /**
     * Whether the request's {@code Host} names this machine ({@code localhost}, {@code 127.0.0.1} or {@code [::1]},
     * with any port). The local servers listen on loopback only, but a web page the developer opens could still
     * reach them through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1): its requests carry the
     * attacker's name as Host, so they are refused.
     */
    static boolean hostIsThisMachine(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return false;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? "" : name.substring(0, end + 1);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        return GuardSettings.isLoopback(name);
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean empty = body == null || body.length == 0;
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", MAPPER.writeValueAsBytes(body));
    }

    /**
     * Query parameters, URL-decoded; a repeated name keeps its first value.
     *
     * @throws IllegalArgumentException when the query is not valid percent-encoding
     */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.putIfAbsent(name, value);
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
