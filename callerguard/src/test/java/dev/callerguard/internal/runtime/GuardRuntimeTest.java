package dev.callerguard.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.CallerGuard;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.metrics.GuardMetrics;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.internal.token.SignatureProvider;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.LogCapture;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSettings;
import dev.callerguard.testing.TestSignatures;
import dev.callerguard.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class GuardRuntimeTest {
    private final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");

    @Test
    void buildsCheckFromValidSettings() {
        Map<String, String> values = TestSettings.values(URI.create("http://127.0.0.1:1/keys"));

        GuardRuntime runtime = GuardRuntime.load(values::get, clock);

        assertThat(runtime.problems()).isEmpty();
        assertThat(runtime.check()).isPresent();
    }

    @Test
    void logsTheSettingsItRunsWithAtStart() {
        Map<String, String> values = new HashMap<>(TestSettings.values(URI.create("http://127.0.0.1:1/keys")));
        values.put(GuardSettings.KEYS_REFRESH_MINUTES, "5");
        Map<String, String> usersAndEasyAuth = new HashMap<>(values);
        usersAndEasyAuth.put(GuardSettings.CALLER_TYPES, "app,user");
        usersAndEasyAuth.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        usersAndEasyAuth.put(GuardSettings.REQUIRED_SCOPES, "Orders.Read,Orders.Write");
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            GuardRuntime.load(values::get, clock);
            GuardRuntime.load(usersAndEasyAuth::get, clock);
            lines = log.lines();
        }

        // Only this test's start-up lines: threads of earlier tests may still log into the root logger.
        lines = lines.stream().filter(line -> line.contains("settings valid")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("INFO", "settings valid", "refreshed every 5 min", "callers app,",
                "Easy Auth auto").doesNotContain("principal header trusted");
        assertThat(lines.get(0)).doesNotContain("scopes");
        assertThat(lines.get(1)).contains("callers app,user (users need scopes Orders.Read Orders.Write),",
                "Easy Auth auto (principal header trusted)");
    }

    /** Review of the scopes change: scopes do not apply to applications; without a required role, say so at start. */
    @Test
    void warnsAtStartWhenScopesAreRequiredWithoutARole() {
        Map<String, String> scopesOnly = new HashMap<>(TestSettings.values(URI.create("http://127.0.0.1:1/keys")));
        scopesOnly.put(GuardSettings.CALLER_TYPES, "app,user");
        scopesOnly.put(GuardSettings.REQUIRED_SCOPES, "Orders.Read");
        Map<String, String> withRole = new HashMap<>(scopesOnly);
        withRole.put(GuardSettings.REQUIRED_ROLES, "Function.Invoke");
        List<String> warned;
        List<String> quiet;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            GuardRuntime.load(scopesOnly::get, clock);
            warned = log.lines();
        }
        try (LogCapture log = LogCapture.ofRootLogger()) {
            GuardRuntime.load(withRole::get, clock);
            quiet = log.lines();
        }

        assertThat(warned).anySatisfy(line -> assertThat(line).contains("WARNING", GuardSettings.REQUIRED_SCOPES,
                "every allowed application caller passes without a role"));
        assertThat(quiet).noneSatisfy(line -> assertThat(line).contains("passes without a role"));
    }

    @Test
    void theStartUpLineNamesTheRsaProviderAndTheSetting() {
        Map<String, String> auto = new HashMap<>(TestSettings.values(URI.create("http://127.0.0.1:1/keys")));
        Map<String, String> jdk = new HashMap<>(auto);
        jdk.put(GuardSettings.CRYPTO, "jdk");
        List<String> lines;
        long start = System.nanoTime();
        try (LogCapture log = LogCapture.ofRootLogger()) {
            GuardRuntime.load(auto::get, clock);
            GuardRuntime.load(jdk::get, clock);
            lines = log.lines();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        List<String> started = lines.stream().filter(line -> line.contains("settings valid")).toList();
        assertThat(started).hasSize(2);
        String autoProvider = TestSignatures.nativePlatform() ? "AmazonCorrettoCryptoProvider 2.5.0 (native)"
                : "SunRsaSign";
        assertThat(started.get(0)).contains("RSA signatures by " + autoProvider, "(CALLERGUARD_CRYPTO=auto;");
        assertThat(started.get(1)).contains("RSA signatures by SunRsaSign", "(JDK) (CALLERGUARD_CRYPTO=jdk;");
        if (TestSignatures.nativePlatform()) {
            assertThat(lines).noneMatch(line -> line.contains("not the native one"));
        }
        // The time it reports is a part of the time these two loads took.
        for (String line : started) {
            java.util.regex.Matcher ms = java.util.regex.Pattern.compile("self-tested in (\\d+) ms").matcher(line);
            assertThat(ms.find()).as(line).isTrue();
            assertThat(Long.parseLong(ms.group(1))).isBetween(0L, elapsedMs);
        }
    }

    @Test
    void warmUpFetchesTheKeysSoThatTheFirstRequestMakesNoFetch() throws IOException {
        try (JwksServer server = JwksServer.start(TestKeys.PRIMARY)) {
            Map<String, String> values = TestSettings.values(server.keysUrl());
            GuardRuntime runtime = GuardRuntime.load(values::get, clock);

            runtime.warmUp();
            assertThat(server.requestCount()).as("fetched by the warm-up").isEqualTo(1);
            Decision first = runtime.check().orElseThrow().decide(RequestHeaders.of(Map.of("authorization",
                    "Bearer " + TestTokens.valid(clock.instant()).sign())));

            assertThat(first).isInstanceOf(Decision.Allowed.class);
            assertThat(server.requestCount()).as("no fetch by the first request").isEqualTo(1);
        }
    }

    @Test
    void aWarmUpWhoseFetchFailsLeavesTheFirstRequestToFetchAsWithoutIt() throws IOException {
        try (JwksServer server = JwksServer.start(TestKeys.PRIMARY)) {
            server.serveRaw(503, "{}");
            Map<String, String> values = TestSettings.values(server.keysUrl());
            GuardRuntime runtime = GuardRuntime.load(values::get, clock);

            runtime.warmUp();
            server.serve(TestKeys.PRIMARY);
            Decision first = runtime.check().orElseThrow().decide(RequestHeaders.of(Map.of("authorization",
                    "Bearer " + TestTokens.valid(clock.instant()).sign())));

            assertThat(first).isInstanceOf(Decision.Allowed.class);
            assertThat(server.requestCount()).as("the warm-up's fetch, then the first request's").isEqualTo(2);
        }
    }

    @Test
    void warmUpOfMisconfiguredSettingsDoesNothing() {
        GuardRuntime runtime = GuardRuntime.load(Map.<String, String>of()::get, clock);
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            runtime.warmUp();
            lines = log.lines();
        }

        assertThat(runtime.check()).isEmpty();
        assertThat(runtime.problems()).isNotEmpty();
        assertThat(lines).noneMatch(line -> line.contains("CallerGuard warm-up failed")
                || line.contains("could not fetch its keys"));
    }

    @Test
    void aJvmWithoutTheJdksRsaProviderGivesAStartUpProblemNotAnError() {
        Map<String, String> values = new HashMap<>(TestSettings.values(URI.create("http://127.0.0.1:1/keys")));
        values.put(GuardSettings.CRYPTO, "jdk");
        SignatureProvider.choose(CryptoChoice.JDK); // loaded (and its self-test key read) while the JDK's RSA is there
        java.security.Provider sunRsaSign = java.security.Security.getProvider("SunRsaSign");
        List<java.security.Provider> before = List.of(java.security.Security.getProviders());
        GuardRuntime runtime;
        java.security.Security.removeProvider("SunRsaSign");
        try {
            runtime = GuardRuntime.load(values::get, clock);
        } finally {
            java.security.Security.insertProviderAt(sunRsaSign, before.indexOf(sunRsaSign) + 1);
        }

        assertThat(List.of(java.security.Security.getProviders())).isEqualTo(before);
        assertThat(runtime.check()).isEmpty();
        assertThat(runtime.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.setting()).isEqualTo(GuardSettings.CRYPTO);
            assertThat(problem.message()).contains("no RSA provider", "SunRsaSign");
        });
    }

    /** Loading OpenTelemetry's classes takes about 30 ms on a cold JVM: the key fetch is started before that. */
    @Test
    void theKeyFetchIsHandedOverBeforeTheMetricsAreMade() {
        Map<String, String> values = TestSettings.values(URI.create("http://127.0.0.1:1/keys"));
        List<String> order = new ArrayList<>();

        GuardRuntime runtime = GuardRuntime.load(values::get, clock, () -> {
            order.add("metrics");
            return GuardMetrics.NONE;
        }, keys -> order.add("keys"));

        assertThat(order).first().isEqualTo("keys");
        assertThat(order).contains("metrics");
        assertThat(runtime.metrics()).isSameAs(GuardMetrics.NONE);
    }

    @Test
    void theKeyCacheIsHandedOverAsSoonAsTheSettingsAreValidAndNeverWhenTheyAreNot() {
        Map<String, String> values = TestSettings.values(URI.create("http://127.0.0.1:1/keys"));
        List<KeySetCache> handed = new ArrayList<>();

        GuardRuntime.load(values::get, clock, () -> GuardMetrics.NONE, handed::add);
        GuardRuntime.load(Map.<String, String>of()::get, clock, () -> GuardMetrics.NONE, handed::add);

        assertThat(handed).hasSize(1).doesNotContainNull();
    }

    @Test
    void theBackgroundFetchIsADaemonThreadThatFetchesTheKeysOnce() throws Exception {
        try (JwksServer server = JwksServer.start(TestKeys.PRIMARY)) {
            KeySetCache keys = new KeySetCache(new JwksKeySetSource(server.keysUrl()), clock,
                    KeySetCache.Timing.DEFAULT);

            // Started from a thread that is no daemon, so that the fetch is one only because it is made one.
            java.util.concurrent.atomic.AtomicReference<Thread> started =
                    new java.util.concurrent.atomic.AtomicReference<>();
            List<String> lines;
            try (LogCapture log = LogCapture.ofRootLogger()) {
                Thread starter = new Thread(() -> started.set(GuardRuntime.fetchInBackground(keys)));
                starter.setDaemon(false);
                starter.start();
                starter.join(10_000);
                Thread fetch = started.get();
                fetch.join(10_000);
                assertThat(fetch.isDaemon()).isTrue();
                assertThat(fetch.isAlive()).isFalse();
                lines = log.lines();
            }

            assertThat(lines).anyMatch(line -> line.contains("CallerGuard key set fetched at start in"));
            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(keys.find(TestKeys.PRIMARY.kid())).isInstanceOf(KeyLookup.Found.class);
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void theProcessWideRuntimeComesFromTheEnvironmentOnce() {
        // The test JVM's environment holds no CALLERGUARD_ settings.
        GuardRuntime shared = GuardRuntime.shared();

        assertThat(shared).isSameAs(GuardRuntime.shared());
        assertThat(shared.check()).isEmpty();
        assertThat(shared.problems()).extracting(problem -> problem.setting())
                .contains(GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.ALLOWED_CALLERS);
    }

    @Test
    void reportsEveryProblemAtOnceAndLogsThemAtStart() {
        List<String> logged = new ArrayList<>();
        Logger logger = Logger.getLogger(GuardRuntime.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                logged.add(logRecord.getLevel() + " " + logRecord.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        Map<String, String> values = new HashMap<>();
        values.put(GuardSettings.AUDIENCES, "api://x");
        values.put(GuardSettings.EASY_AUTH, "sometimes");
        try {
            GuardRuntime runtime = GuardRuntime.load(values::get, clock);

            assertThat(runtime.check()).isEmpty();
            assertThat(runtime.problems()).extracting(p -> p.setting()).containsExactlyInAnyOrder(
                    GuardSettings.TENANT_ID, GuardSettings.ALLOWED_CALLERS, GuardSettings.EASY_AUTH);
            assertThat(logged).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("SEVERE").contains(GuardSettings.TENANT_ID, GuardSettings.ALLOWED_CALLERS,
                            GuardSettings.EASY_AUTH));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
