package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;

/** One rule's verdict on a set of claims, for diagnostics. */
public record RuleVerdict(String rule, Optional<Refusal> refusal) {
    public boolean passed() {
        return refusal.isEmpty();
    }
}
