package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;

/**
 * Unless {@code CALLERGUARD_CALLER_TYPES} is {@code app,user}, the caller must be an application (a managed
 * identity or a service principal with its own credentials), not a user signed in to a client app: APIM's managed
 * identity is an application caller.
 */
final class CallerTypeRule implements ClaimRule {
    private final boolean userCallers;

    CallerTypeRule(boolean userCallers) {
        this.userCallers = userCallers;
    }

    @Override
    public String name() {
        return "caller-type";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        return userCallers || isApplication(claims) ? Optional.empty() : Optional.of(Refusal.CALLER_TYPE);
    }

    /**
     * Whether the credential is app-only, as Microsoft defines it: the optional claim {@code idtyp} is {@code app}
     * where it is present; where it is absent, the token carries no delegated scopes ({@code scp}) and its
     * {@code oid} equals its {@code sub} (for an application both name the service principal; for a user,
     * {@code sub} is a pairwise id; both are compared exactly as sent). A credential with {@code scp} is a
     * delegated (user) token either way.
     *
     * @see <a href="https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference">Access token
     *     claims reference ({@code idtyp}, {@code oid}, {@code sub}, {@code scp})</a>
     * @see <a href="https://learn.microsoft.com/entra/identity-platform/claims-validation">Secure applications and
     *     APIs by validating claims (app-only tokens)</a>
     * @see <a href="https://learn.microsoft.com/entra/identity-platform/optional-claims-reference">Optional claims
     *     reference ({@code idtyp})</a>
     */
    static boolean isApplication(CallerClaims claims) {
        if (claims.scopes().isPresent()) {
            return false;
        }
        if (claims.identityType().isPresent()) {
            return claims.identityType().get().equals("app");
        }
        return claims.objectIdAsSent().isPresent() && claims.objectIdAsSent().equals(claims.subject());
    }
}
