package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;
import java.util.Set;

/**
 * The caller's object id ({@code oid}) must be allowed: in the list, or any caller when the list is {@code *}.
 * A credential without an {@code oid} (or whose {@code oid} is not a GUID) names no caller and is refused either way.
 */
final class CallerAllowlistRule implements ClaimRule {
    private final boolean anyCaller;
    private final Set<String> allowed;

    CallerAllowlistRule(CallerPolicy policy) {
        this.anyCaller = policy.anyCaller();
        this.allowed = policy.allowedCallers();
    }

    @Override
    public String name() {
        return "caller";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        Optional<String> oid = claims.objectId();
        if (oid.isEmpty()) {
            return Optional.of(Refusal.NO_OBJECT_ID);
        }
        return anyCaller || allowed.contains(oid.get()) ? Optional.empty() : Optional.of(Refusal.CALLER_NOT_ALLOWED);
    }
}
