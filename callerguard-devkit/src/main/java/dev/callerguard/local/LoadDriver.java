package dev.callerguard.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/load.sh}: throughput and latency of the caller check end to end, and its cost at a cold start.
 * It starts the local run itself (the identity emulator in this JVM, the functions host in its own, both on
 * loopback), gets the {@code apim} token as {@code scripts/token.sh} does (msal4j against the managed identity
 * endpoint, in a separate JVM), and stops everything when it ends.
 *
 * <ul>
 *   <li>{@code LoadDriver load [--duration S] [--warmup S] [--connections N] [--tool auto|wrk|java]
 *       [--host-log info|quiet] [--host-nodelay true|false] [--host-jvm "OPTS"] [--host-port N]
 *       [--emulator-port N]}: a fixed-concurrency
 *       load of {@code GET /api/health} (unguarded), the same with the token's header (which health ignores: the
 *       cost of carrying the token) and {@code GET /api/hello} with the token (guarded), one after the other, each
 *       for {@code duration} seconds after a warm-up; prints req/s, p50 and p99 of each and the check's cost as a
 *       share of throughput, {@code 1 - hello/health}, split into carrying the token and checking it. With {@code wrk} (when on the PATH)
 *       or a load generator of its own (java.net.http, one thread per connection, percentiles by sorting every
 *       recorded latency).</li>
 *   <li>{@code LoadDriver cold-start [--runs N] [--key-delay-ms MS] [--host-log info|quiet]
 *       [--host-nodelay true|false] [--host-jvm "OPTS"]}: starts the host
 *       {@code 2N} times; for N starts the first request is {@code /api/hello} with the token, for the other N it is
 *       {@code /api/health}, followed by one {@code /api/hello}. Times run from the moment the host's JVM is
 *       spawned to the first 200. The key endpoint is served through a recording relay in this process, so the
 *       time and duration of the check's key fetch are seen from outside the host, and so is whether
 *       the warm-up fetched them before the first guarded request. The relay answers each fetch after
 *       {@code --key-delay-ms} (default {@value #DEFAULT_KEY_DELAY_MS}), a stand-in for Entra over the internet.</li>
 * </ul>
 * Only for measuring on a developer machine; nothing here is part of the deployed app.
 */
public final class LoadDriver {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration COLD_START_LIMIT = Duration.ofSeconds(60);
    /** How long the cold start's key endpoint waits before it answers: Entra's keys over the internet, roughly. */
    static final int DEFAULT_KEY_DELAY_MS = 150;
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern WRK_PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern WRK_SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private LoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        LocalLogging.configure();
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: LoadDriver load|cold-start [options]");
            System.exit(2);
        }
        Map<String, String> options = LocalRun.options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "load" -> load(options);
            case "cold-start" -> coldStart(options);
            default -> {
                System.err.println("unknown mode: " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------- load

    private static void load(Map<String, String> options) throws Exception {
        int duration = Integer.parseInt(options.getOrDefault("duration", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "32"));
        String tool = options.getOrDefault("tool", "auto");
        if (tool.equals("auto")) {
            tool = onPath("wrk") ? "wrk" : "java";
        }
        if (duration < 1 || duration > 600 || warmup < 0 || warmup > 120 || connections < 1 || connections > 1024) {
            throw new IllegalArgumentException("--duration 1..600, --warmup 0..120, --connections 1..1024");
        }
        String identityHeader = UUID.randomUUID().toString();
        Path log = Path.of("target", "local-run", "load-host.log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        try (IdentityEmulator emulator = IdentityEmulator.start(port(options, "emulator-port"), identityHeader,
                Clock.systemUTC())) {
            int hostPort = port(options, "host-port");
            if (hostPort == 0) {
                hostPort = freePort();
            }
            Map<String, String> settings = settings(options, emulator, identityHeader, hostPort);
            String token = token(emulator, identityHeader);
            try (HostProcess host = HostProcess.start(LocalRun.appDirectory(options), hostPort,
                    settings, log, hostJvmOptions(options))) {
                String health = host.baseUrl() + "/api/health";
                String hello = host.baseUrl() + "/api/hello";
                HttpClient client = client();
                requireStatus(client, health, null, 200);
                requireStatus(client, hello, null, 401);
                requireStatus(client, hello, token, 200);
                System.out.printf("Local run: host %s (pid %d, log %s), emulator %s; tool %s, %d connections, "
                                + "%d s warm-up per route, %d s per route; host logging %s; host JVM options %s; "
                                + "load average %s%n",
                        host.baseUrl(), host.pid(), log, emulator.authority(), tool, connections, warmup, duration,
                        options.getOrDefault("host-log", "info"), hostJvmOptions(options), loadAverage());
                if (warmup > 0) {
                    run(tool, health, null, warmup, connections);
                    run(tool, hello, token, warmup, connections);
                }
                Result healthResult = run(tool, health, null, duration, connections);
                Result healthTokenResult = run(tool, health, token, duration, connections);
                Result helloResult = run(tool, hello, token, duration, connections);
                System.out.println();
                System.out.printf("%-34s %10s %10s %10s %10s %8s%n", "route", "requests", "req/s", "p50 ms",
                        "p99 ms", "errors");
                print("GET /api/health (unguarded)", healthResult);
                print("GET /api/health + same token header", healthTokenResult);
                print("GET /api/hello (token, checked)", helloResult);
                System.out.printf("%ncheck cost as a share of throughput: 1 - hello/health = %.1f %%%n",
                        100 * (1 - helloResult.rate() / healthResult.rate()));
                System.out.printf("  of which carrying the %d-byte token (health with vs without it): %.1f %%; "
                                + "the check itself, 1 - hello/(health + token) = %.1f %%%n",
                        token.length(), 100 * (1 - healthTokenResult.rate() / healthResult.rate()),
                        100 * (1 - helloResult.rate() / healthTokenResult.rate()));
                System.out.printf("latency added by the check: p50 %+.3f ms, p99 %+.3f ms; load average after: %s%n",
                        helloResult.p50Ms() - healthResult.p50Ms(), helloResult.p99Ms() - healthResult.p99Ms(),
                        loadAverage());
                if (healthResult.errors() > 0 || helloResult.errors() > 0) {
                    System.out.println("WARNING: some requests failed or were not answered 200; see the errors column");
                }
            }
        }
    }

    /** What one measured route gave. */
    record Result(long requests, double seconds, double rate, double p50Ms, double p99Ms, long errors) {
    }

    private static void print(String route, Result result) {
        System.out.printf("%-34s %10d %10.0f %10.3f %10.3f %8d%n", route, result.requests(), result.rate(),
                result.p50Ms(), result.p99Ms(), result.errors());
    }

    private static Result run(String tool, String url, String token, int seconds, int connections)
            throws IOException, InterruptedException {
        return tool.equals("wrk") ? wrk(url, token, seconds, connections) : javaLoad(url, token, seconds, connections);
    }

    /** {@code wrk -t<min(cores, connections)> -c<connections> -d<seconds>s --latency}, its summary parsed. */
    static Result wrk(String url, String token, int seconds, int connections) throws IOException, InterruptedException {
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), connections));
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--timeout", REQUEST_TIMEOUT.toSeconds() + "s", "--latency"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("wrk failed:\n" + out);
        }
        return parseWrk(out);
    }

    static Result parseWrk(String out) throws IOException {
        Matcher rate = WRK_RATE.matcher(out);
        Matcher total = WRK_TOTAL.matcher(out);
        if (!rate.find() || !total.find()) {
            throw new IOException("cannot read wrk's summary:\n" + out);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = WRK_PERCENTILE.matcher(out);
        while (percentile.find()) {
            double ms = toMillis(Double.parseDouble(percentile.group(2)), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        long errors = 0;
        Matcher non2xx = WRK_NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = WRK_SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        long requests = Long.parseLong(total.group(1));
        double seconds = toMillis(Double.parseDouble(total.group(2)), total.group(3)) / 1000;
        return new Result(requests, seconds, Double.parseDouble(rate.group(1)), p50, p99, errors);
    }

    private static double toMillis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /**
     * The fallback load generator: {@code connections} threads, each sending one request at a time (closed loop)
     * over HTTP/1.1 keep-alive for {@code seconds}; every latency is recorded and sorted for the percentiles.
     */
    static Result javaLoad(String url, String token, int seconds, int connections) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(2)).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        AtomicLong errors = new AtomicLong();
        List<long[]> recorded = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            running.add(threads.submit(() -> {
                long[] latencies = new long[1 << 14];
                int count = 0;
                ready.countDown();
                go.await();
                long end = window[1];
                while (true) {
                    long start = System.nanoTime();
                    if (start >= end) {
                        break;
                    }
                    try {
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    long took = System.nanoTime() - start;
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = took;
                }
                recorded.add(Arrays.copyOf(latencies, count));
                return null;
            }));
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
        go.countDown();
        for (Future<?> future : running) {
            try {
                future.get(seconds + REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("load thread failed", e);
            }
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        threads.shutdown();
        long[] all = recorded.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(all.length, elapsed, all.length / elapsed, percentile(all, 0.50) / 1e6,
                percentile(all, 0.99) / 1e6, errors.get());
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ---------------------------------------------------------------------------------------------- cold start

    private static void coldStart(Map<String, String> options) throws Exception {
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        int keyDelayMs = Integer.parseInt(options.getOrDefault("key-delay-ms", String.valueOf(DEFAULT_KEY_DELAY_MS)));
        if (runs < 1 || runs > 50 || keyDelayMs < 0 || keyDelayMs > 10_000) {
            throw new IllegalArgumentException("--runs 1..50, --key-delay-ms 0..10000");
        }
        String identityHeader = UUID.randomUUID().toString();
        Path log = Path.of("target", "local-run", "cold-start-host.log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        List<String> jvmOptions = hostJvmOptions(options);
        Path appDir = LocalRun.appDirectory(options);
        try (IdentityEmulator emulator = IdentityEmulator.start(port(options, "emulator-port"), identityHeader,
                Clock.systemUTC());
             KeyRelay relay = KeyRelay.start(emulator, keyDelayMs)) {
            String token = token(emulator, identityHeader);
            HttpClient client = client();
            // Warm this JVM's HTTP client so that its own first-use cost is not counted in the first run.
            requireStatus(client, relay.url(), null, 200);
            System.out.printf("Cold start: %d runs of each kind; key endpoint answers after %d ms (a stand-in for Entra "
                            + "over the internet); host JVM options %s; host logging %s; load average %s%n", runs,
                    keyDelayMs, jvmOptions, options.getOrDefault("host-log", "info"), loadAverage());
            System.out.printf("%n%-4s %-22s %12s %12s %14s %14s %12s%n", "run", "first request", "listening ms",
                    "first 200 ms", "key fetch at", "key fetch ms", "then hello");
            List<Double> helloFirst = new ArrayList<>();
            List<Double> healthFirst = new ArrayList<>();
            List<Double> helloAfterHealth = new ArrayList<>();
            List<Double> keyFetchAt = new ArrayList<>();
            List<Double> keyFetchMs = new ArrayList<>();
            int healthFetches = 0;
            for (int run = 1; run <= runs; run++) {
                // A: the first request the host ever serves is the protected one.
                Start a = startHost(appDir, settings(options, emulator, identityHeader, relay), jvmOptions, log);
                try {
                    relay.reset(a.spawnedAt());
                    Probe hello = firstOk(client, a, "/api/hello", token);
                    KeyRelay.Fetch fetch = relay.first();
                    helloFirst.add(hello.firstOkMs());
                    if (fetch != null) {
                        keyFetchAt.add(fetch.startMs());
                        keyFetchMs.add(fetch.durationMs());
                    }
                    System.out.printf("%-4d %-22s %12.0f %12.0f %14s %14s %12s%n", run, "/api/hello + token",
                            hello.listeningMs(), hello.firstOkMs(),
                            fetch == null ? "none" : String.format(Locale.ROOT, "%.0f ms", fetch.startMs()),
                            fetch == null ? "-" : String.format(Locale.ROOT, "%.1f", fetch.durationMs()), "");
                } finally {
                    a.close();
                }
                // B: the unguarded route first, then the protected one.
                Start b = startHost(appDir, settings(options, emulator, identityHeader, relay), jvmOptions, log);
                try {
                    relay.reset(b.spawnedAt());
                    Probe health = firstOk(client, b, "/api/health", null);
                    KeyRelay.Fetch warmUpFetch = relay.first();
                    int fetchesAfterHealth = relay.count();
                    healthFetches += fetchesAfterHealth;
                    if (run == 1) {
                        evidence(b);
                    }
                    long before = System.nanoTime();
                    requireStatus(client, b.baseUrl() + "/api/hello", token, 200);
                    double helloMs = (System.nanoTime() - before) / 1e6;
                    healthFirst.add(health.firstOkMs());
                    helloAfterHealth.add(helloMs);
                    System.out.printf("%-4d %-22s %12.0f %12.0f %14s %14s %9.0f ms%n", run, "/api/health",
                            health.listeningMs(), health.firstOkMs(),
                            warmUpFetch == null ? "none" : String.format(Locale.ROOT, "%.0f ms", warmUpFetch.startMs()),
                            warmUpFetch == null ? "-" : String.format(Locale.ROOT, "%.1f", warmUpFetch.durationMs()),
                            helloMs);
                } finally {
                    b.close();
                }
            }
            System.out.println();
            summary("first 200 of /api/hello with token (cold)", helloFirst);
            summary("first 200 of /api/health (cold)", healthFirst);
            summary("first /api/hello right after that health", helloAfterHealth);
            summary("key fetch started, after host spawn", keyFetchAt);
            summary("key fetch duration (relay to emulator)", keyFetchMs);
            double helloMedian = median(helloFirst);
            double healthMedian = median(healthFirst);
            System.out.printf("%nthe check's share of a cold start to the first protected 200 (medians): "
                            + "(%.0f - %.0f) / %.0f = %.1f %%; key fetches made before the first /api/hello (the "
                            + "warm-up at function load, in the runs that called /api/health first): %d%n",
                    helloMedian, healthMedian, helloMedian, 100 * (helloMedian - healthMedian) / helloMedian,
                    healthFetches);
            System.out.println("load average after: " + loadAverage());
        }
    }

    private static void summary(String what, List<Double> values) {
        if (values.isEmpty()) {
            System.out.printf("%-44s n/a%n", what);
            return;
        }
        System.out.printf("%-44s min %7.1f ms   median %7.1f ms   max %7.1f ms%n", what,
                values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), median(values),
                values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A host process spawned by this driver, and when. */
    private record Start(Process process, int port, long spawnedAt) implements AutoCloseable {
        String baseUrl() {
            return "http://localhost:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** When the host first accepted a connection, and when it first answered 200, in ms after the spawn. */
    private record Probe(double listeningMs, double firstOkMs) {
    }

    /** Spawns the host as {@link HostProcess} does, but on a known port and without waiting, so that the clock starts at the spawn. */
    private static Start startHost(Path appDir, Map<String, String> settings, List<String> jvmOptions, Path log)
            throws IOException {
        int port = freePort();
        Map<String, String> withPort = new LinkedHashMap<>(settings);
        withPort.put("WEBSITE_HOSTNAME", "localhost:" + port);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-D" + LocalLogging.FORMAT_PROPERTY + "=" + LocalLogging.FORMAT);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FunctionsHost.class.getName());
        command.addAll(List.of("--app", appDir.toString(), "--port", String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(withPort);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long spawnedAt = System.nanoTime();
        return new Start(builder.start(), port, spawnedAt);
    }

    /** Sends {@code path} every millisecond from the spawn until the first 200. */
    private static Probe firstOk(HttpClient client, Start start, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(start.baseUrl() + path)).timeout(REQUEST_TIMEOUT)
                .GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long deadline = start.spawnedAt() + COLD_START_LIMIT.toNanos();
        double listening = Double.NaN;
        while (System.nanoTime() < deadline) {
            if (!start.process().isAlive()) {
                throw new IOException("the host exited early; see target/local-run/cold-start-host.log");
            }
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (Double.isNaN(listening)) {
                    listening = (sent - start.spawnedAt()) / 1e6;
                }
                if (response.statusCode() == 200) {
                    return new Probe(listening, (System.nanoTime() - start.spawnedAt()) / 1e6);
                }
                throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
            } catch (ConnectException e) {
                Thread.sleep(1);
            }
        }
        throw new IOException("no 200 from " + path + " within " + COLD_START_LIMIT);
    }

    /**
     * After one {@code /api/health} on a fresh host: which of the check's heavier parts are already loaded, from
     * the host's own class list ({@code jcmd VM.class_hierarchy}) and thread list ({@code jcmd Thread.print}).
     */
    private static void evidence(Start start) throws IOException, InterruptedException {
        long pid = start.process().pid();
        String classes = jcmd(pid, "VM.class_hierarchy");
        String threads = jcmd(pid, "Thread.print");
        Map<String, String> probes = new LinkedHashMap<>();
        probes.put("dev.callerguard.internal.runtime.GuardRuntime", "GuardRuntime (settings read and validated)");
        probes.put("dev.callerguard.internal.decision.CallerCheck", "CallerCheck built");
        probes.put("dev.callerguard.internal.keys.KeySetCache", "KeySetCache built");
        probes.put("dev.callerguard.internal.keys.JwksKeySetSource", "JwksKeySetSource built");
        probes.put("com.auth0.jwk.UrlJwkProvider", "jwks-rsa UrlJwkProvider loaded");
        probes.put("jdk.internal.net.http.HttpClientImpl", "java.net.http client built");
        probes.put("com.github.benmanes.caffeine.cache.Caffeine", "Caffeine (validated-token cache) loaded");
        probes.put("com.github.benmanes.caffeine.cache.BoundedLocalCache", "Caffeine cache instance built");
        probes.put("dev.callerguard.internal.token.BearerTokenVerifier", "BearerTokenVerifier loaded");
        probes.put("dev.callerguard.internal.token.Rs256Signature", "RS256 verification code loaded");
        probes.put("dev.callerguard.internal.keys.KeySetHttpClient", "key endpoint HTTP client loaded");
        System.out.printf("%n  after the first /api/health of a fresh host (pid %d), before any protected call:%n", pid);
        for (Map.Entry<String, String> probe : probes.entrySet()) {
            boolean loaded = Pattern.compile("\\b" + Pattern.quote(probe.getKey()) + "\\b").matcher(classes).find();
            System.out.printf("    %-60s %s%n", probe.getValue() + " (" + probe.getKey() + ")",
                    loaded ? "LOADED" : "not loaded");
        }
        long appClasses = classes.lines().filter(l -> l.contains("dev.callerguard.")).count();
        long caffeine = classes.lines().filter(l -> l.contains("com.github.benmanes.caffeine")).count();
        long auth0 = classes.lines().filter(l -> l.contains("com.auth0.")).count();
        System.out.printf("    classes loaded: dev.callerguard.* %d, caffeine %d, com.auth0 %d%n", appClasses, caffeine,
                auth0);
        List<String> names = new ArrayList<>();
        Matcher thread = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE).matcher(threads);
        while (thread.find()) {
            String name = thread.group(1);
            if (name.startsWith("HttpClient") || name.startsWith("callerguard") || name.contains("Caffeine")
                    || name.contains("ForkJoinPool")) {
                names.add(name);
            }
        }
        System.out.printf("    HTTP-client / key-fetch / cache threads in the host: %s%n%n",
                names.isEmpty() ? "none" : names);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    /**
     * Serves the tenant's key set (copied once from the emulator) on its own loopback port, each answer after a fixed
     * delay, and records when each fetch arrives and how long it took to answer, relative to the host's spawn.
     */
    private static final class KeyRelay implements AutoCloseable {
        record Fetch(double startMs, double durationMs) {
        }

        private final HttpServer server;
        private final ExecutorService executor;
        private final List<Fetch> fetches = new CopyOnWriteArrayList<>();
        private volatile long origin;

        private KeyRelay(HttpServer server, ExecutorService executor) {
            this.server = server;
            this.executor = executor;
        }

        static KeyRelay start(IdentityEmulator emulator, int delayMs) throws IOException, InterruptedException {
            HttpResponse<byte[]> keys = client().send(HttpRequest.newBuilder(URI.create(emulator.keysUrl())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (keys.statusCode() != 200) {
                throw new IOException("the emulator's key endpoint answered " + keys.statusCode());
            }
            byte[] document = keys.body();
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2);
            http.setExecutor(executor);
            KeyRelay relay = new KeyRelay(http, executor);
            http.createContext("/keys", exchange -> {
                long start = System.nanoTime();
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, document.length);
                exchange.getResponseBody().write(document);
                exchange.close();
                relay.fetches.add(new Fetch((start - relay.origin) / 1e6, (System.nanoTime() - start) / 1e6));
            });
            http.start();
            return relay;
        }

        String url() {
            return "http://localhost:" + server.getAddress().getPort() + "/keys";
        }

        void reset(long spawnedAt) {
            origin = spawnedAt;
            fetches.clear();
        }

        int count() {
            return fetches.size();
        }

        Fetch first() {
            return fetches.isEmpty() ? null : fetches.get(0);
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ----------------------------------------------------------------------------------------------- shared

    private static Map<String, String> settings(Map<String, String> options, IdentityEmulator emulator,
                                                String identityHeader, int hostPort) throws IOException {
        return LocalRun.appSettings(LocalSettings.read(LocalRun.settingsFile(options), System.getenv()), emulator,
                identityHeader, hostPort, false);
    }

    private static Map<String, String> settings(Map<String, String> options, IdentityEmulator emulator,
                                                String identityHeader, KeyRelay relay)
            throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(settings(options, emulator, identityHeader, 0));
        settings.put("CALLERGUARD_KEYS_URL", relay.url());
        return settings;
    }

    /**
     * {@code --host-jvm "OPTS"} split on spaces, plus a logging configuration when {@code --host-log quiet}, plus
     * {@code -Dsun.net.httpserver.nodelay=false} for {@code --host-nodelay false}, which brings back the stock JDK
     * HTTP server's behaviour (the host turns TCP_NODELAY on; without it, Nagle's algorithm holds each response body
     * until the client's delayed ACK, about 40 ms per keep-alive request).
     */
    private static List<String> hostJvmOptions(Map<String, String> options) throws IOException {
        List<String> jvm = new ArrayList<>();
        String nodelay = options.getOrDefault("host-nodelay", "true");
        if (nodelay.equals("false")) {
            jvm.add("-Dsun.net.httpserver.nodelay=false");
        } else if (!nodelay.equals("true")) {
            throw new IllegalArgumentException("--host-nodelay true|false");
        }
        String extra = options.getOrDefault("host-jvm", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(Arrays.asList(extra.split("\\s+")));
        }
        String level = options.getOrDefault("host-log", "info");
        if (level.equals("quiet")) {
            Path config = Files.createTempFile("callerguard-load-logging", ".properties");
            config.toFile().deleteOnExit();
            Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n"
                    + "java.util.logging.ConsoleHandler.level=WARNING\n");
            jvm.add("-Djava.util.logging.config.file=" + config);
        } else if (!level.equals("info")) {
            throw new IllegalArgumentException("--host-log info|quiet");
        }
        return jvm;
    }

    /** The {@code apim} token from the managed identity endpoint, through msal4j in a separate JVM (as token.sh). */
    private static String token(IdentityEmulator emulator, String identityHeader)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TokenCli.class.getName(), LocalIdentities.APIM.name());
        builder.environment().put("IDENTITY_ENDPOINT", emulator.identityEndpoint());
        builder.environment().put("IDENTITY_HEADER", identityHeader);
        builder.environment().put("CALLERGUARD_EMULATOR", emulator.authority());
        Path log = Path.of("target", "local-run", "load-token.log");
        builder.redirectError(log.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
            process.destroyForcibly();
            throw new IOException("could not get the apim token; see " + log);
        }
        return out;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static void requireStatus(HttpClient client, String url, String token, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException("GET " + url + (token == null ? "" : " with token") + " answered "
                    + response.statusCode() + " (expected " + expected + "): " + response.body());
        }
    }

    private static int port(Map<String, String> options, String name) {
        return Integer.parseInt(options.getOrDefault(name, "0"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
