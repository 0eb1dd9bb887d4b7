package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;

/** {@code tid} must be the configured tenant (GUIDs compared case-insensitively). */
final class TenantRule implements ClaimRule {
    private final String tenantId;

    TenantRule(String tenantId) {
        this.tenantId = tenantId;
    }

    @Override
    public String name() {
        return "tenant";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        boolean match = claims.tenantId().filter(tenantId::equals).isPresent();
        return match ? Optional.empty() : Optional.of(Refusal.TENANT);
    }
}
