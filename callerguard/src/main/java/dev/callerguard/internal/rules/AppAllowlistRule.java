package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;
import java.util.Set;

/** When allowed apps are configured, {@code appid} (v1) or {@code azp} (v2) must be one of them. */
final class AppAllowlistRule implements ClaimRule {
    private final Set<String> allowed;

    AppAllowlistRule(CallerPolicy policy) {
        this.allowed = policy.allowedApps();
    }

    @Override
    public String name() {
        return "app";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        if (allowed.isEmpty()) {
            return Optional.empty();
        }
        boolean match = claims.appId().filter(allowed::contains).isPresent();
        return match ? Optional.empty() : Optional.of(Refusal.APP_NOT_ALLOWED);
    }
}
