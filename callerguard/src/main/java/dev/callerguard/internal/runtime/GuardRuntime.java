package dev.callerguard.internal.runtime;

import dev.callerguard.CallerGuard;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.metrics.GuardMetrics;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.settings.InvalidSettingsException;
import dev.callerguard.internal.settings.SettingProblem;
import dev.callerguard.internal.token.SignatureProvider;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one function app process shares: the settings, read and validated once, and the caller check with its
 * key cache. When the settings are invalid it holds every problem instead, so that {@code health} can name
 * them and guarded functions refuse. The shared runtime is loaded when the Java worker loads the app's functions
 * (by {@link GuardWarmUp}) or when the first function class is initialised, whichever comes first; it then warms up
 * in the background ({@link #warmUp}).
 */
public final class GuardRuntime {
    private static final Logger LOG = Logger.getLogger(GuardRuntime.class.getName());

    private final CallerCheck check;
    private final KeySetCache keys;
    private final List<SettingProblem> problems;
    private final GuardMetrics metrics;

    private GuardRuntime(CallerCheck check, KeySetCache keys, List<SettingProblem> problems, GuardMetrics metrics) {
        this.check = check;
        this.keys = keys;
        this.problems = List.copyOf(problems);
        this.metrics = metrics;
    }

    /** The process-wide runtime, from the environment's app settings. */
    public static GuardRuntime shared() {
        return Holder.SHARED;
    }

    /** A runtime over the given settings, key source and clock (tests and the local host). */
    public static GuardRuntime of(GuardSettings settings, SigningKeys keys, Clock clock) {
        return of(settings, keys, clock, GuardMetrics.NONE);
    }

    /** As {@link #of(GuardSettings, SigningKeys, Clock)}, recording decisions in {@code metrics}. */
    public static GuardRuntime of(GuardSettings settings, SigningKeys keys, Clock clock, GuardMetrics metrics) {
        return new GuardRuntime(new CallerCheck(settings, keys, clock), null, List.of(), metrics);
    }

    /** A runtime that refuses everything because the settings are invalid. */
    public static GuardRuntime misconfigured(List<SettingProblem> problems) {
        return misconfigured(problems, GuardMetrics.NONE);
    }

    private static GuardRuntime misconfigured(List<SettingProblem> problems, GuardMetrics metrics) {
        return new GuardRuntime(null, null, problems, metrics);
    }

    /**
     * Reads the settings through {@code lookup} and chooses the RSA provider (its self-test included); the keys
     * come from the settings' key endpoint over HTTP, fetched on first use or by {@link #warmUp}. Logs one line
     * naming the settings and the provider, and one warning when the native provider is not used under
     * {@code CALLERGUARD_CRYPTO=auto}.
     */
    public static GuardRuntime load(Function<String, String> lookup, Clock clock) {
        return load(lookup, clock, GuardMetrics.NONE);
    }

    /**
     * As {@link #load(Function, Clock)}, recording decisions, key fetches and the key set's age in {@code metrics}.
     */
    public static GuardRuntime load(Function<String, String> lookup, Clock clock, GuardMetrics metrics) {
        return load(lookup, clock, () -> metrics, keys -> { });
    }

    /**
     * As {@link #load(Function, Clock)}, handing the key cache to {@code keysReady} as soon as the settings are
     * valid and before the RSA provider is chosen (loading a native library takes a while), so that the shared
     * runtime fetches the keys meanwhile.
     */
    static GuardRuntime load(Function<String, String> lookup, Clock clock, Supplier<GuardMetrics> metrics,
                             Consumer<KeySetCache> keysReady) {
        try {
            GuardSettings settings = GuardSettings.load(lookup);
            KeySetCache keys = new KeySetCache(new JwksKeySetSource(settings.keysUrl()), clock,
                    KeySetCache.Timing.DEFAULT.refreshingEvery(settings.keysRefresh()), metrics);
            keysReady.accept(keys);
            metrics.get().observeKeySetAge(keys::age);
            long choosing = System.nanoTime();
            SignatureProvider rsa;
            try {
                rsa = SignatureProvider.choose(settings.crypto());
            } catch (RuntimeException | LinkageError e) {
                // A JVM whose provider list leaves out SunRsaSign (a hardened java.security): no RSA at all.
                throw new InvalidSettingsException(List.of(new SettingProblem(GuardSettings.CRYPTO,
                        "no RSA provider can verify signatures in this JVM (" + e + "); the JDK's SunRsaSign "
                                + "must be in the java.security provider list")));
            }
            long chosenMs = (System.nanoTime() - choosing) / 1_000_000;
            rsa.fallback().ifPresent(reason -> LOG.warning(() -> "CallerGuard verifies RSA signatures with the JDK's "
                    + "provider, not the native one: " + reason));
            if (!settings.policy().requiredScopes().isEmpty() && settings.policy().requiredRoles().isEmpty()) {
                LOG.warning(() -> "CallerGuard: " + GuardSettings.REQUIRED_SCOPES + " applies to users only; with no "
                        + GuardSettings.REQUIRED_ROLES + ", every allowed application caller passes without a role");
            }
            LOG.info(() -> "CallerGuard settings valid: tenant " + settings.tenantId() + ", keys from "
                    + settings.keysUrl() + " (refreshed every " + settings.keysRefresh().toMinutes() + " min), callers "
                    + (settings.userCallers() ? "app,user" : "app")
                    + (settings.policy().requiredScopes().isEmpty() ? ""
                            : " (users need scopes " + String.join(" ", settings.policy().requiredScopes()) + ")")
                    + ", Easy Auth "
                    + settings.easyAuthMode().name().toLowerCase(Locale.ROOT)
                    + (settings.trustsPrincipalHeader() ? " (principal header trusted)" : "") + ", RSA signatures by "
                    + rsa.description() + " (" + GuardSettings.CRYPTO + "="
                    + settings.crypto().name().toLowerCase(Locale.ROOT) + "; chosen and self-tested in " + chosenMs
                    + " ms)");
            return new GuardRuntime(new CallerCheck(settings, keys, clock, rsa), keys, List.of(), metrics.get());
        } catch (InvalidSettingsException e) {
            LOG.log(Level.SEVERE, e.getMessage());
            return misconfigured(e.problems(), metrics.get());
        }
    }

    /** The app-wide check, or empty when the settings are invalid. */
    public Optional<CallerCheck> check() {
        return Optional.ofNullable(check);
    }

    /**
     * Fetches the key set and runs the key-free parts of a decision once ({@link CallerCheck#warmUp}), so that the
     * first guarded request waits for neither. Nothing about refusals changes: a failed fetch here is retried by the
     * first request that needs keys, as without a warm-up. Never throws; does nothing when the settings are invalid.
     * The shared runtime runs the same two halves, the fetch on a thread of its own ({@link Holder}); tests run
     * them one after the other here.
     */
    void warmUp() {
        if (keys != null) {
            warmKeys(keys);
        }
        warmCode();
    }

    /** The key half of {@link #warmUp}: fetches the key set unless it is held. Never throws. */
    private static void warmKeys(KeySetCache keys) {
        long start = System.nanoTime();
        try {
            if (keys.warm()) {
                LOG.info(() -> "CallerGuard key set fetched at start in " + (System.nanoTime() - start) / 1_000_000
                        + " ms");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "CallerGuard could not fetch its keys at start; the first request fetches them", e);
        }
    }

    /** The code half of {@link #warmUp}: runs the key-free parts of a decision once. Never throws. */
    private void warmCode() {
        if (check == null) {
            return;
        }
        try {
            check.warmUp();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "CallerGuard warm-up failed; the first request does its work instead", e);
        }
    }

    /** This runtime with a check that verifies every token in full ({@link CallerCheck#uncached}; benchmarks). */
    public GuardRuntime uncached() {
        return new GuardRuntime(check == null ? null : check.uncached(), keys, problems, metrics);
    }

    /** Where this runtime's decisions are counted. */
    public GuardMetrics metrics() {
        return metrics;
    }

    /** Every settings problem found at start; empty when the settings are valid. */
    public List<SettingProblem> problems() {
        return problems;
    }

    /**
     * The shared runtime warms up as it loads: the keys are fetched on a thread of their own from the moment the
     * settings are valid, while the loading thread chooses the RSA provider and then runs the key-free parts of a
     * decision. A request that needs the runtime meanwhile waits for the loading (the class initialisation), and one
     * that needs keys for the fetch in flight; neither does the work twice.
     */
    private static final class Holder {
        static final GuardRuntime SHARED = load(System.getenv()::get, Clock.systemUTC(),
                new SharedMetrics(), GuardRuntime::fetchInBackground);

        static {
            SHARED.warmCode();
        }
    }

    /**
     * The shared runtime's metrics, made on first use: by the loading thread once the key fetch has started, or by
     * that fetch if it ends first. Loading OpenTelemetry's classes takes about 30 ms on a cold JVM, which must not
     * delay the start of the key fetch, the longest wait before the first protected answer. Not in {@link Holder},
     * for the same reason as {@link #fetchInBackground}.
     */
    private static final class SharedMetrics implements Supplier<GuardMetrics> {
        private GuardMetrics metrics;

        @Override
        public synchronized GuardMetrics get() {
            if (metrics == null) {
                metrics = new GuardMetrics(GlobalOpenTelemetry.get());
            }
            return metrics;
        }
    }

    /**
     * Starts fetching the keys on a thread of its own. Not in {@link Holder}: code of a class that is still being
     * initialised cannot run on another thread, so the fetch would wait for the loading it is meant to overlap.
     */
    static Thread fetchInBackground(KeySetCache keys) {
        Thread fetch = new Thread(() -> warmKeys(keys), "callerguard-key-warm-up");
        fetch.setDaemon(true);
        fetch.start();
        return fetch;
    }
}
