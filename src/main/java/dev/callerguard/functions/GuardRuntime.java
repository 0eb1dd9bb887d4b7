package dev.callerguard.functions;

import dev.callerguard.auth.CallerCheck;
import dev.callerguard.auth.GuardSettings;
import dev.callerguard.auth.InvalidSettingsException;
import dev.callerguard.auth.JwksKeySetSource;
import dev.callerguard.auth.KeySetCache;
import dev.callerguard.auth.SettingProblem;
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
 * them and guarded functions refuse. Loaded when the first function class is loaded.
 */
public final class GuardRuntime {
    private static final Logger LOG = Logger.getLogger(GuardRuntime.class.getName());

    private final CallerCheck check;
    private final List<SettingProblem> problems;

    private GuardRuntime(CallerCheck check, List<SettingProblem> problems) {
        this.check = check;
        this.problems = List.copyOf(problems);
    }

    /** The process-wide runtime, from the environment's app settings. */
    public static GuardRuntime shared() {
        return Holder.SHARED;
    }

    /** A runtime over the given settings, key source and clock (tests and the local host). */
    public static GuardRuntime of(GuardSettings settings, SigningKeys keys, Clock clock) {
        return new GuardRuntime(new CallerCheck(settings, keys, clock), List.of());
    }

    /** A runtime that refuses everything because the settings are invalid. */
    public static GuardRuntime misconfigured(List<SettingProblem> problems) {
        return new GuardRuntime(null, problems);
    }

    /** Reads the settings through {@code lookup}; the keys come from the settings' key endpoint over HTTP. */
    public static GuardRuntime load(Function<String, String> lookup, Clock clock) {
        try {
            GuardSettings settings = GuardSettings.load(lookup);
            KeySetCache keys = new KeySetCache(new JwksKeySetSource(settings.keysUrl()), clock,
                    KeySetCache.Timing.DEFAULT.refreshingEvery(settings.keysRefresh()));
            LOG.info(() -> "CallerGuard settings valid: tenant " + settings.tenantId() + ", keys from "
                    + settings.keysUrl() + " (refreshed every " + settings.keysRefresh().toMinutes() + " min), callers "
                    + (settings.userCallers() ? "app,user" : "app") + ", Easy Auth "
                    + settings.easyAuthMode().name().toLowerCase(Locale.ROOT)
                    + (settings.trustsPrincipalHeader() ? " (principal header trusted)" : ""));
            return of(settings, keys, clock);
        } catch (InvalidSettingsException e) {
            LOG.log(Level.SEVERE, e.getMessage());
            return misconfigured(e.problems());
        }
    }

    /** The app-wide check, or empty when the settings are invalid. */
    public Optional<CallerCheck> check() {
        return Optional.ofNullable(check);
    }

    /** Every settings problem found at start; empty when the settings are valid. */
    public List<SettingProblem> problems() {
        return problems;
    }

    private static final class Holder {
        static final GuardRuntime SHARED = load(System.getenv()::get, Clock.systemUTC());
    }
}
