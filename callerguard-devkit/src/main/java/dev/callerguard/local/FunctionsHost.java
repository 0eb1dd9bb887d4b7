package dev.callerguard.local;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.callerguard.internal.credentials.RequestHeaders;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves the staged function app on {@code http://localhost:PORT/api/...} as {@code func start} would, for machines
 * without Azure Functions Core Tools: routes and methods from each {@code function.json}, header names lower-cased,
 * 404 for an unknown route, 405 for a method the function does not take. App settings are this process's
 * environment (the launcher puts {@code local.settings.json} there). With {@code WEBSITE_AUTH_ENABLED=true} it
 * also plays Easy Auth in front of the app ({@link EasyAuthEmulation}), except for {@code /api/health}.
 *
 * <p>Arguments: {@code [--port N] [--port-file FILE] [--app DIR] [--metrics-port N]}; with {@code --metrics-port}
 * the host installs the OpenTelemetry SDK and serves the app's metrics there ({@link LocalMetrics}).
 */
public final class FunctionsHost implements AutoCloseable {
    public static final int DEFAULT_PORT = 7071;
    static final String HEALTH_ROUTE = "health";

    private static final Logger LOG = Logger.getLogger(FunctionsHost.class.getName());

    private final StagedApp app;
    private final HttpServer server;
    private final ExecutorService executor;
    private final EasyAuthEmulation easyAuth;

    private FunctionsHost(StagedApp app, HttpServer server, ExecutorService executor, EasyAuthEmulation easyAuth) {
        this.app = app;
        this.server = server;
        this.executor = executor;
        this.easyAuth = easyAuth;
    }

    public static void main(String[] args) throws Exception {
        LocalLogging.configure();
        Map<String, String> options = LocalRun.options(args);
        Path appDir = options.containsKey("app") ? Path.of(options.get("app"))
                : StagedApp.find(Path.of("target", "azure-functions"));
        int port = Integer.parseInt(options.getOrDefault("port", String.valueOf(DEFAULT_PORT)));
        // Before the app loads: its guard takes the global OpenTelemetry once, when its runtime loads.
        LocalMetrics metrics = options.containsKey("metrics-port")
                ? metrics(Integer.parseInt(options.get("metrics-port"))) : null;
        FunctionsHost host = start(appDir, port, System.getenv()::get);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            if (metrics != null) {
                System.out.println(metrics.summaryLine());
                metrics.close();
            }
        }));
        if (options.containsKey("port-file")) {
            Path portFile = Path.of(options.get("port-file"));
            Files.writeString(portFile, String.valueOf(host.port()));
        }
        LOG.info(() -> "Functions host listening on http://localhost:" + host.port() + " serving " + appDir
                + (host.easyAuth != null ? " with Easy Auth emulation on" : ""));
    }

    /** The metrics on {@code port}; none, with a warning, when the port cannot be had: the run goes on without. */
    static LocalMetrics metrics(int port) {
        try {
            return LocalMetrics.install(port);
        } catch (RuntimeException e) {
            LOG.warning(() -> "CallerGuard's metrics are not served: port " + port + " cannot be had (" + e.getMessage()
                    + "); use --metrics-port N for another, or 0 for none");
            return null;
        }
    }

    static FunctionsHost start(Path appDir, int port, Function<String, String> settings)
            throws IOException {
        StagedApp app = StagedApp.load(appDir);
        EasyAuthEmulation easyAuth = "true".equalsIgnoreCase(settings.apply("WEBSITE_AUTH_ENABLED"))
                ? EasyAuthEmulation.from(settings, Clock.systemUTC()) : null;
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(32);
        http.setExecutor(executor);
        FunctionsHost host = new FunctionsHost(app, http, executor, easyAuth);
        http.createContext("/", host::serve);
        http.start();
        for (StagedApp.HttpFunction function : app.functions()) {
            LOG.info(() -> "  " + function.name() + ": " + function.methods() + " http://localhost:" + host.port()
                    + app.pathOf(function));
        }
        return host;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        int status;
        try {
            status = dispatch(exchange, method, uri);
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.SEVERE, "Host error on " + method + " " + uri.getPath(), e);
            status = 500;
            HttpExchanges.send(exchange, 500, null, null);
        }
        int answered = status;
        LOG.info(() -> method + " " + uri.getPath() + " -> " + answered);
    }

    private int dispatch(HttpExchange exchange, String method, URI uri) throws IOException {
        if (!HttpExchanges.hostIsThisMachine(exchange)) {
            HttpExchanges.send(exchange, 403, "text/plain; charset=utf-8",
                    "The local functions host answers only requests for localhost.".getBytes(StandardCharsets.UTF_8));
            return 403;
        }
        Optional<StagedApp.HttpFunction> match = app.route(uri.getPath());
        if (match.isEmpty()) {
            HttpExchanges.send(exchange, 404, null, null);
            return 404;
        }
        StagedApp.HttpFunction function = match.get();
        if (!function.methods().contains(method)) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", function.methods()));
            HttpExchanges.send(exchange, 405, null, null);
            return 405;
        }
        Map<String, String> received = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> received.put(RequestHeaders.lowerCaseName(name),
                String.join(", ", values)));
        Map<String, String> headers = received;
        if (easyAuth != null && !function.route().equalsIgnoreCase(HEALTH_ROUTE)) {
            Optional<Map<String, String>> authenticated = easyAuth.authenticate(headers);
            if (authenticated.isEmpty()) {
                exchange.getResponseHeaders().set("WWW-Authenticate",
                        "Bearer realm=\"localhost:" + port() + "\"");
                HttpExchanges.send(exchange, 401, "text/plain; charset=utf-8",
                        "You do not have permission to view this directory or page.".getBytes(StandardCharsets.UTF_8));
                return 401;
            }
            headers = authenticated.get();
        }
        Map<String, String> query;
        try {
            query = HttpExchanges.query(uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            HttpExchanges.send(exchange, 400, null, null);
            return 400;
        }
        byte[] raw = exchange.getRequestBody().readAllBytes();
        LocalHttpRequest request = new LocalHttpRequest(HttpMethod.value(method),
                URI.create("http://localhost:" + port() + uri), headers, query,
                raw.length == 0 ? null : new String(raw, StandardCharsets.UTF_8));
        HttpResponseMessage response;
        try {
            response = app.invoke(function, request, new LocalExecutionContext(function.name()));
        } catch (InvocationTargetException e) {
            String name = function.name();
            LOG.log(Level.SEVERE, "Function " + name + " threw", e.getCause());
            HttpExchanges.send(exchange, 500, null, null);
            return 500;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot invoke " + function.name(), e);
        }
        return write(exchange, response);
    }

    private static int write(HttpExchange exchange, HttpResponseMessage response) throws IOException {
        String contentType = null;
        if (response instanceof LocalHttpResponse local) {
            for (Map.Entry<String, String> header : local.headers().entrySet()) {
                if (RequestHeaders.lowerCaseName(header.getKey()).equals("content-type")) {
                    contentType = header.getValue();
                } else {
                    exchange.getResponseHeaders().add(header.getKey(), header.getValue());
                }
            }
        }
        Object body = response.getBody();
        byte[] bytes;
        if (body == null) {
            bytes = null;
        } else if (body instanceof byte[] b) {
            bytes = b;
        } else if (body instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = HttpExchanges.MAPPER.writeValueAsBytes(body);
            contentType = contentType == null ? "application/json" : contentType;
        }
        HttpExchanges.send(exchange, response.getStatusCode(), contentType, bytes);
        return response.getStatusCode();
    }
}
