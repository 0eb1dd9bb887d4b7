package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;

/**
 * The token must be an access token: Entra access tokens name the client application that asked for them
 * ({@code appid} in v1, {@code azp} in v2), ID tokens do not. Without this rule an ID token issued to the API's own
 * app registration (its {@code aud} is the API's client id) would pass every other token rule.
 *
 * @see <a href="https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference">Access token
 *     claims reference ({@code appid}, {@code azp})</a>
 * @see <a href="https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference">ID token claims
 *     reference</a>
 */
final class AccessTokenRule implements ClaimRule {

    @Override
    public String name() {
        return "access-token";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        return claims.appId().isPresent() ? Optional.empty() : Optional.of(Refusal.NOT_ACCESS_TOKEN);
    }
}
