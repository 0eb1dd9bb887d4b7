package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * A delegated (user) credential must carry every required scope in {@code scp}, a space-separated list matched
 * exactly (RFC 6749 section 3.3: scope values are case-sensitive). An application caller carries no {@code scp}
 * and passes here: the allowlist and {@link RoleRule} judge it, so a policy that requires scopes and no role lets
 * every allowed application through (Microsoft.Identity.Web's {@code RequiredScope} refuses app-only tokens
 * instead; its {@code RequiredScopeOrAppPermission} asks for a listed app role). What counts as an application is
 * {@link CallerTypeRule}'s test.
 */
final class ScopeRule implements ClaimRule {
    private final Set<String> required;

    ScopeRule(CallerPolicy policy) {
        this.required = policy.requiredScopes();
    }

    @Override
    public String name() {
        return "scopes";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        if (required.isEmpty() || CallerTypeRule.isApplication(claims)) {
            return Optional.empty();
        }
        Set<String> granted = Set.copyOf(Arrays.asList(claims.scopes().orElse("").split(" ")));
        return granted.containsAll(required) ? Optional.empty() : Optional.of(Refusal.SCOPE_MISSING);
    }
}
