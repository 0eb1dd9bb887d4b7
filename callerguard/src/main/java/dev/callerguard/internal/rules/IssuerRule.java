package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;
import java.util.Set;

/**
 * {@code iss} must be exactly one of the configured issuers (the tenant's v2 and v1 issuers by default), never
 * a multi-tenant template such as {@code common}.
 *
 * @see <a href="https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer">Validate
 *     the issuer</a>
 */
final class IssuerRule implements ClaimRule {
    private final Set<String> issuers;

    IssuerRule(Set<String> issuers) {
        this.issuers = Set.copyOf(issuers);
    }

    @Override
    public String name() {
        return "issuer";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        return claims.issuer().filter(issuers::contains).isPresent() ? Optional.empty() : Optional.of(Refusal.ISSUER);
    }
}
