package dev.callerguard.functions;

import dev.callerguard.auth.CallerCheck;
import dev.callerguard.auth.GuardSettings;
import dev.callerguard.auth.InvalidSettingsException;
import dev.callerguard.auth.JwksKeySetSource;
import dev.callerguard.auth.KeySetCache;
import dev.callerguard.auth.SettingProblem;
import dev.callerguard.auth.SignatureProvider;
import dev.callerguard.auth.SigningKeys;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
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

    private GuardRuntime(CallerCheck check, KeySetCache keys, List<SettingProblem> problems) {
        this.check = check;
        this.keys = keys;
        this.problems = List.copyOf(problems);
    }

    /** The process-wide runtime, from the environment's app settings. */
    public static GuardRuntime shared() {
        return Holder.SHARED;
    }

    /** A runtime over the given settings, key source and clock (tests and the local host). */
    public static GuardRuntime of(GuardSettings settings, SigningKeys keys, Clock clock) {
        return new GuardRuntime(new CallerCheck(settings, keys, clock), null, List.of());
    }

    /** A runtime that refuses everything because the settings are invalid. */
    public static GuardRuntime misconfigured(List<SettingProblem> problems) {
        return new GuardRuntime(null, null, problems);
    }

    /**
     * Reads the settings through {@code lookup} and chooses the RSA provider (its self-test included); the keys
     * come from the settings' key endpoint over HTTP, fetched on first use or by {@link #warmUp}. Logs one line
     * naming the settings and the provider, and one warning when the native provider is not used under
     * {@code CALLERGUARD_CRYPTO=auto}.
     */
    public static GuardRuntime load(Function<String, String> lookup, Clock clock) {
        try {
            GuardSettings settings = GuardSettings.load(lookup);
            SignatureProvider rsa = SignatureProvider.choose(settings.crypto());
            rsa.fallback().ifPresent(reason -> LOG.warning(() -> "CallerGuard verifies RSA signatures with the JDK's "
                    + "provider, not the native one: " + reason));
            KeySetCache keys = new KeySetCache(new JwksKeySetSource(settings.keysUrl()), clock,
                    KeySetCache.Timing.DEFAULT.refreshingEvery(settings.keysRefresh()));
            LOG.info(() -> "CallerGuard settings valid: tenant " + settings.tenantId() + ", keys from "
                    + settings.keysUrl() + " (refreshed every " + settings.keysRefresh().toMinutes() + " min), callers "
                    + (settings.userCallers() ? "app,user" : "app") + ", Easy Auth "
                    + settings.easyAuthMode().name().toLowerCase(Locale.ROOT)
                    + (settings.trustsPrincipalHeader() ? " (principal header trusted)" : "") + ", RSA signatures by "
                    + rsa.description() + " (" + GuardSettings.CRYPTO + "="
                    + settings.crypto().name().toLowerCase(Locale.ROOT) + ")");
            return new GuardRuntime(new CallerCheck(settings, keys, clock, rsa), keys, List.of());
        } catch (InvalidSettingsException e) {
            LOG.log(Level.SEVERE, e.getMessage());
            return misconfigured(e.problems());
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
     */
    public void warmUp() {
        if (check == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            if (keys != null) {
                keys.warm();
            }
            check.warmUp();
            LOG.fine(() -> "CallerGuard warmed up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "CallerGuard warm-up failed; the first request does its work instead", e);
        }
    }

    /** Every settings problem found at start; empty when the settings are valid. */
    public List<SettingProblem> problems() {
        return problems;
    }

    private static final class Holder {
        static final GuardRuntime SHARED = load(System.getenv()::get, Clock.systemUTC());

        static {
            Thread warmUp = new Thread(SHARED::warmUp, "callerguard-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }
}
