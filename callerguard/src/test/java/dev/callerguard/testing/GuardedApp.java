package dev.callerguard.testing;

import dev.callerguard.CallerGuard;
import dev.callerguard.TestGuards;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A function app's runtime for tests: a real HTTP key endpoint serving {@link TestKeys#PRIMARY}, test settings
 * (change {@link #settings} before {@link #runtime()}), and a pinned clock.
 */
public final class GuardedApp implements AutoCloseable {
    public final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");
    public final JwksServer jwks;
    public final Map<String, String> settings;

    public GuardedApp() throws IOException {
        jwks = JwksServer.start(TestKeys.PRIMARY);
        settings = new HashMap<>(TestSettings.values(jwks.keysUrl()));
    }

    public GuardRuntime runtime() {
        GuardSettings loaded = GuardSettings.load(settings);
        return GuardRuntime.of(loaded,
                new KeySetCache(new JwksKeySetSource(loaded.keysUrl()), clock, KeySetCache.Timing.DEFAULT), clock);
    }

    public CallerGuard guard() {
        return TestGuards.over(runtime());
    }

    /** A valid token of the allowed caller, to change one thing in. */
    public TestTokens token() {
        return TestTokens.valid(clock.instant());
    }

    @Override
    public void close() {
        jwks.close();
    }
}
