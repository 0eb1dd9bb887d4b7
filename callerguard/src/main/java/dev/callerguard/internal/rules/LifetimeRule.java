package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code exp} is required and must be after now, {@code nbf} (when present) not after now, both with the
 * configured clock skew (RFC 7519 sections 4.1.4 and 4.1.5).
 */
final class LifetimeRule implements ClaimRule {
    private final Clock clock;
    private final long skewSeconds;

    LifetimeRule(Clock clock, Duration skew) {
        this.clock = clock;
        this.skewSeconds = skew.toSeconds();
    }

    @Override
    public String name() {
        return "lifetime";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        if (claims.expiresAt().isEmpty()) {
            return Optional.of(Refusal.NO_EXPIRY);
        }
        long now = clock.instant().getEpochSecond();
        if (now >= claims.expiresAt().get() + skewSeconds) {
            return Optional.of(Refusal.EXPIRED);
        }
        if (claims.notBefore().isPresent() && now < claims.notBefore().get() - skewSeconds) {
            return Optional.of(Refusal.NOT_YET_VALID);
        }
        return Optional.empty();
    }
}
