package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local run under load: {@value #REQUESTS} requests at {@value #CONCURRENCY} at once over loopback, a fixed mix
 * of valid, invalid and hostile calls, and every single answer must be the one expected for its kind — no 5xx, no
 * 200 to a caller that was not verified, no transport error. The host's memory (VmRSS, VmHWM from
 * {@code /proc/<pid>/status}) is read before and after and must stay under a generous bound, and the heap it
 * holds live after a full GC must not grow by more than {@value #LIVE_HEAP_GROWTH_BOUND_KIB} KiB.
 */
class LoadIT {
    static final int REQUESTS = 10_200;
    static final int CONCURRENCY = 48;
    /** What the host may hold live (after a full GC) beyond what it held before the run: no per-request leak. */
    static final long LIVE_HEAP_GROWTH_BOUND_KIB = 64 * 1024;
    /** Room in the host's resident memory for everything but its committed heap. */
    static final long NON_HEAP_ALLOWANCE_KIB = 512 * 1024;
    /** The host runs with a small heap, so that a leak would show as failures, not as a slowly growing process. */
    static final String HOST_HEAP = "-Xmx256m";
    private static final Duration STUCK = Duration.ofSeconds(120);
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    /** What is sent and what must come back. */
    private enum Kind {
        VALID_HELLO(200), VALID_WHOAMI(200),
        EXPIRED(401), WRONG_AUDIENCE(401), INTRUDER(403), TWO_TOKENS(400), TWO_AUTHORIZATION_HEADERS(400),
        HUGE_HEADER(400), GARBAGE_TOKEN(401), ALG_NONE(401), TAMPERED_CLAIMS(401), ANONYMOUS(401),
        SPOOFED_PRINCIPAL(401);

        final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    /** One request of a kind and the test its answer must pass. */
    private record Call(Kind kind, HttpRequest request, Predicate<HttpResponse<String>> expected) {
    }

    @Test
    void everyAnswerUnderLoadIsTheExpectedOne() throws Exception {
        try (LocalStack stack = LocalStack.start(false, List.of(HOST_HEAP))) {
            List<Call> mix = mix(stack);
            long hostPid = stack.host.pid();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            for (Call call : mix) {
                check(client, call, null);
            }
            Memory before = Memory.of(hostPid);
            long liveBefore = liveHeapKib(hostPid);

            AtomicIntegerArray counts = new AtomicIntegerArray(Kind.values().length);
            Map<Integer, AtomicInteger> statuses = new TreeMap<>();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService drivers = Executors.newFixedThreadPool(CONCURRENCY);
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int d = 0; d < CONCURRENCY; d++) {
                running.add(drivers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                        Call call = mix.get(i % mix.size());
                        Integer status = check(client, call, wrong);
                        counts.incrementAndGet(call.kind().ordinal());
                        synchronized (statuses) {
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> driver : running) {
                driver.get(STUCK.toSeconds(), TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            drivers.shutdown();
            Memory after = Memory.of(hostPid);
            long liveAfter = liveHeapKib(hostPid);
            HttpResponse<String> health = stack.get("/api/health", null);
            HttpResponse<String> stillServing = stack.get("/api/hello", null);

            Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                byKind.put(kind, counts.get(kind.ordinal()));
            }
            System.out.printf("LoadIT: %d requests at concurrency %d in %.1f s = %.0f req/s; by status %s; by kind %s; "
                            + "wrong answers %d; host RSS %d MiB before, %d MiB after, peak (VmHWM) %d MiB; "
                            + "live heap after full GC %d MiB before, %d MiB after%n",
                    REQUESTS, CONCURRENCY, seconds, REQUESTS / seconds, statuses, byKind, wrong.size(),
                    before.rssKib() / 1024, after.rssKib() / 1024, after.hwmKib() / 1024,
                    liveBefore / 1024, liveAfter / 1024);

            assertThat(wrong).as("requests not answered as expected").isEmpty();
            assertThat(byKind.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
            assertThat(statuses.keySet()).allMatch(status -> status < 500);
            assertThat(ProcessHandle.of(hostPid).map(ProcessHandle::isAlive)).contains(true);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(stillServing.statusCode()).isEqualTo(401);
            assertThat(liveAfter - liveBefore).as("growth of the host's live heap, KiB")
                    .isLessThan(LIVE_HEAP_GROWTH_BOUND_KIB);
            assertThat(after.rssKib()).as("host VmRSS after the run, KiB").isLessThan(rssBoundKib());
        }
    }

    /** Sends one call; returns its status, or adds a description to {@code wrong} (throws when it is null). */
    private static Integer check(HttpClient client, Call call, ConcurrentLinkedQueue<String> wrong) {
        String problem;
        int status = -1;
        try {
            HttpResponse<String> response = client.send(call.request(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            if (status == call.kind().status && call.expected().test(response)) {
                return status;
            }
            problem = call.kind() + " answered " + status + " " + abbreviated(response.body());
        } catch (IOException e) {
            problem = call.kind() + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = call.kind() + " interrupted";
        }
        if (wrong == null) {
            throw new AssertionError("warm-up: " + problem);
        }
        if (wrong.size() < 20) {
            wrong.add(problem);
        }
        return status;
    }

    private static String abbreviated(String body) {
        return body == null || body.length() <= 200 ? String.valueOf(body) : body.substring(0, 200) + "...";
    }

    /** The weighted mix: valid calls are the most common, every refusal appears. */
    private static List<Call> mix(LocalStack stack) throws IOException, InterruptedException {
        String base = stack.host.baseUrl();
        String apim = stack.token(LocalIdentities.APIM);
        String intruder = stack.token(LocalIdentities.INTRUDER);
        long now = Instant.now().getEpochSecond();
        String expired = stack.shapedToken("{\"claims\": {\"iat\": " + (now - 7200) + ", \"nbf\": " + (now - 7200)
                + ", \"exp\": " + (now - 3600) + "}}");
        String wrongAudience = stack.shapedToken("{\"claims\": {\"aud\": \"api://someone-else\"}}");
        String[] parts = apim.split("\\.");
        String algNone = encode("{\"typ\":\"JWT\",\"alg\":\"none\"}") + "." + parts[1] + ".";
        String tampered = parts[0] + "." + encode(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8).replace(LocalIdentities.APIM.objectId(), LocalIdentities.REPORTER.objectId()))
                + "." + parts[2];
        String spoofed = EasyAuthEmulation.principal(Map.of("oid", LocalIdentities.APIM.objectId(),
                "tid", LocalIdentities.TENANT_ID, "aud", LocalIdentities.API_APP_ID_URI));
        String huge = "Bearer " + "A".repeat(20 * 1024);

        Call hello = new Call(Kind.VALID_HELLO, get(base, "/api/hello", "Authorization", "Bearer " + apim),
                r -> r.body().equals("Hello, " + LocalIdentities.APIM.objectId() + "!"));
        Call whoami = new Call(Kind.VALID_WHOAMI, get(base, "/api/whoami", "Authorization", "Bearer " + apim),
                r -> r.body().contains("\"objectId\":\"" + LocalIdentities.APIM.objectId() + "\""));
        List<Call> mix = new ArrayList<>(List.of(hello, whoami, hello, whoami, hello,
                refusal(Kind.EXPIRED, "CG401-EXPIRED", get(base, "/api/hello", "Authorization", "Bearer " + expired)),
                refusal(Kind.WRONG_AUDIENCE, "CG401-AUDIENCE",
                        get(base, "/api/whoami", "Authorization", "Bearer " + wrongAudience)),
                refusal(Kind.INTRUDER, "CG403-CALLER", get(base, "/api/hello", "Authorization", "Bearer " + intruder)),
                refusal(Kind.TWO_TOKENS, "CG400-AUTHORIZATION",
                        get(base, "/api/hello", "Authorization", "Bearer " + apim + " " + apim)),
                refusal(Kind.TWO_AUTHORIZATION_HEADERS, "CG400-AUTHORIZATION", get(base, "/api/whoami",
                        "Authorization", "Bearer " + apim, "Authorization", "Bearer " + intruder)),
                refusal(Kind.HUGE_HEADER, "CG400-AUTHORIZATION-SIZE",
                        get(base, "/api/hello", "Authorization", huge)),
                refusal(Kind.GARBAGE_TOKEN, "CG401-MALFORMED",
                        get(base, "/api/hello", "Authorization", "Bearer not.a.jwt")),
                refusal(Kind.ALG_NONE, "CG401-ALGORITHM", get(base, "/api/whoami", "Authorization", "Bearer " + algNone)),
                refusal(Kind.TAMPERED_CLAIMS, "CG401-SIGNATURE",
                        get(base, "/api/whoami", "Authorization", "Bearer " + tampered)),
                refusal(Kind.ANONYMOUS, "CG401-NO-CREDENTIALS", get(base, "/api/hello")),
                refusal(Kind.SPOOFED_PRINCIPAL, "CG401-NO-CREDENTIALS",
                        get(base, "/api/whoami", "X-MS-CLIENT-PRINCIPAL", spoofed))));
        return List.copyOf(mix);
    }

    private static Call refusal(Kind kind, String code, HttpRequest request) {
        return new Call(kind, request, response -> response.body().contains("\"code\":\"" + code + "\"")
                && response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    private static HttpRequest get(String base, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    /** Bound on the host's VmRSS after the run: its 256 MiB heap and what a JVM needs beside it. */
    private static long rssBoundKib() {
        return NON_HEAP_ALLOWANCE_KIB;
    }

    /** What the process's heap holds after a full GC, in KiB, as {@code jcmd GC.run} and {@code GC.heap_info} tell. */
    private static long liveHeapKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        assertThat(used.find()).as("heap use in jcmd GC.heap_info").isTrue();
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(STUCK.toSeconds(), TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** VmRSS and VmHWM of a process, in KiB. */
    private record Memory(long rssKib, long hwmKib) {
        static Memory of(long pid) throws IOException {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            assertThat(rss).as("VmRSS of %d", pid).isPositive();
            return new Memory(rss, hwm);
        }

        private static long kib(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
