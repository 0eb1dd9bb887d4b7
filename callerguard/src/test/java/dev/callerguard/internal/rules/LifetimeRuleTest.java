package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestClaims;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LifetimeRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final long NOW_SECONDS = NOW.getEpochSecond();
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(NOW);
    private final LifetimeRule rule = new LifetimeRule(clock, SKEW);

    private static TestClaims claims() {
        return TestClaims.valid(NOW);
    }

    @Test
    void isNamedLifetime() {
        assertThat(rule.name()).isEqualTo("lifetime");
    }

    @Test
    void acceptsClaimsWithinTheirLifetime() {
        assertThat(rule.check(claims().build())).isEmpty();
    }

    @Test
    void refusesClaimsWithoutExpiry() {
        assertThat(rule.check(claims().expiresAt(null).build())).contains(Refusal.NO_EXPIRY);
    }

    @Test
    void refusesClaimsExpiredBeyondTheSkew() {
        assertThat(rule.check(claims().expiresAt(NOW_SECONDS - 61).build())).contains(Refusal.EXPIRED);
    }

    @Test
    void refusesClaimsExpiredExactlyTheSkewAgo() {
        assertThat(rule.check(claims().expiresAt(NOW_SECONDS - 60).build())).contains(Refusal.EXPIRED);
    }

    @Test
    void acceptsClaimsExpiredWithinTheSkew() {
        assertThat(rule.check(claims().expiresAt(NOW_SECONDS - 59).build())).isEmpty();
    }

    @Test
    void refusesClaimsExpiringNowWithZeroSkew() {
        LifetimeRule strict = new LifetimeRule(clock, Duration.ZERO);

        assertThat(strict.check(claims().expiresAt(NOW_SECONDS).build())).contains(Refusal.EXPIRED);
    }

    @Test
    void acceptsClaimsExpiringInOneSecondWithZeroSkew() {
        LifetimeRule strict = new LifetimeRule(clock, Duration.ZERO);

        assertThat(strict.check(claims().expiresAt(NOW_SECONDS + 1).build())).isEmpty();
    }

    @Test
    void refusesClaimsOnceTheClockPassesTheirExpiry() {
        CallerClaims claims = claims().build();
        clock.advance(Duration.ofHours(2));

        assertThat(rule.check(claims)).contains(Refusal.EXPIRED);
    }

    @Test
    void acceptsClaimsWithoutNotBefore() {
        assertThat(rule.check(claims().notBefore(null).build())).isEmpty();
    }

    @Test
    void refusesClaimsNotValidUntilBeyondTheSkew() {
        assertThat(rule.check(claims().notBefore(NOW_SECONDS + 61).build())).contains(Refusal.NOT_YET_VALID);
    }

    @Test
    void acceptsClaimsNotValidUntilWithinTheSkew() {
        assertThat(rule.check(claims().notBefore(NOW_SECONDS + 60).build())).isEmpty();
    }

    @Test
    void acceptsClaimsValidFromNowWithZeroSkew() {
        LifetimeRule strict = new LifetimeRule(clock, Duration.ZERO);

        assertThat(strict.check(claims().notBefore(NOW_SECONDS).build())).isEmpty();
    }

    @Test
    void refusesExpiredClaimsBeforeLookingAtNotBefore() {
        CallerClaims claims = claims().expiresAt(NOW_SECONDS - 3600).notBefore(NOW_SECONDS + 3600).build();

        assertThat(rule.check(claims)).contains(Refusal.EXPIRED);
    }
}
