package dev.callerguard.bench;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.CallerGuard;
import dev.callerguard.EmulatedTenantGuards;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.metrics.GuardMetrics;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.local.LocalExecutionContext;
import dev.callerguard.local.LocalHttpRequest;
import dev.callerguard.local.LocalIdentities;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What counting decisions costs on a guarded request's whole path ({@link CallerGuard#handle}: the check, the log
 * line at FINE, the metrics, the handler): the fresh path (every token verified in full) and the repeated one (a
 * token verified before), each with no OpenTelemetry SDK (the API's no-op, as in an app without the agent) and with
 * the SDK installed (an in-memory reader that aggregates every measurement, as the agent's exporter would between
 * exports). Same token, key and fixed clock as {@link TokenCheckBenchmark}. Run with
 * {@code scripts/bench.sh 'GuardMetricsBenchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GuardMetricsBenchmark {
    private OpenTelemetrySdk sdk;
    private CallerGuard freshNoSdk;
    private CallerGuard freshSdk;
    private CallerGuard repeatedNoSdk;
    private CallerGuard repeatedSdk;
    private LocalHttpRequest request;
    private LocalExecutionContext context;
    private HttpResponseMessage ok;

    @Setup
    public void setUp() throws Exception {
        CryptoProviders.loadedNative();
        ManagedIdentityTokens tokens = new ManagedIdentityTokens(TokenCheckBenchmark.ISSUED_AT);
        String token = tokens.sign(tokens.claims(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI));
        KeyLookup found = new KeyLookup.Found(ManagedIdentityTokens.KID, tokens.publicKey());
        KeyLookup unknown = new KeyLookup.Unknown();
        SigningKeys keys = kid -> ManagedIdentityTokens.KID.equals(kid) ? found : unknown;
        GuardSettings settings = GuardSettings.load(Map.of(
                GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID,
                GuardSettings.AUDIENCES, LocalIdentities.API_APP_ID_URI + "," + LocalIdentities.API_CLIENT_ID,
                GuardSettings.ALLOWED_CALLERS, String.join(",", TokenCheckBenchmark.ALLOWED_CALLERS)));
        sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder()
                .registerMetricReader(InMemoryMetricReader.create()).build()).build();
        GuardRuntime none = GuardRuntime.of(settings, keys, TokenCheckBenchmark.CLOCK, GuardMetrics.NONE);
        GuardRuntime counted = GuardRuntime.of(settings, keys, TokenCheckBenchmark.CLOCK, new GuardMetrics(sdk));
        repeatedNoSdk = EmulatedTenantGuards.over(none);
        repeatedSdk = EmulatedTenantGuards.over(counted);
        freshNoSdk = EmulatedTenantGuards.over(none.uncached());
        freshSdk = EmulatedTenantGuards.over(counted.uncached());
        request = new LocalHttpRequest(HttpMethod.GET, URI.create("http://localhost:7071/api/hello"),
                Map.of("authorization", "Bearer " + token), Map.of(), null);
        context = new LocalExecutionContext("hello");
        // Allowances are logged at FINE, which the logger drops: as in the worker. Pinned, so that a run of the code
        // before metrics (which logged them at INFO) measures the same path without the console.
        context.getLogger().setLevel(Level.WARNING);
        ok = request.createResponseBuilder(HttpStatus.OK).build();
        for (CallerGuard guard : new CallerGuard[] {freshNoSdk, freshSdk, repeatedNoSdk, repeatedSdk}) {
            if (guard.handle(request, context, caller -> ok) != ok) {
                throw new IllegalStateException("the benchmark's token is refused");
            }
        }
    }

    @TearDown
    public void tearDown() {
        sdk.close();
    }

    @Benchmark
    public HttpResponseMessage handleFreshNoSdk() {
        return freshNoSdk.handle(request, context, caller -> ok);
    }

    @Benchmark
    public HttpResponseMessage handleFreshSdk() {
        return freshSdk.handle(request, context, caller -> ok);
    }

    @Benchmark
    public HttpResponseMessage handleRepeatedNoSdk() {
        return repeatedNoSdk.handle(request, context, caller -> ok);
    }

    @Benchmark
    public HttpResponseMessage handleRepeatedSdk() {
        return repeatedSdk.handle(request, context, caller -> ok);
    }
}
