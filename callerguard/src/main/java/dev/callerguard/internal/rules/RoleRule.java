package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;
import java.util.Set;

/** Every required app role must be in {@code roles} (exact, case-sensitive match as Entra issues them). */
final class RoleRule implements ClaimRule {
    private final Set<String> required;

    RoleRule(CallerPolicy policy) {
        this.required = policy.requiredRoles();
    }

    @Override
    public String name() {
        return "roles";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        return claims.roles().containsAll(required) ? Optional.empty() : Optional.of(Refusal.ROLE_MISSING);
    }
}
