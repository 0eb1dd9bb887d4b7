package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;

/** One rule over verified claims: empty when the claims pass, else the refusal. Implementations are immutable. */
public interface ClaimRule {
    /** Short name for diagnostics, e.g. {@code audience}. */
    String name();

    Optional<Refusal> check(CallerClaims claims);
}
