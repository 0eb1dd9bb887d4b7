package dev.callerguard.auth;

import java.util.Optional;

/** One rule's verdict on a set of claims, for diagnostics. */
public record RuleVerdict(String rule, Optional<Refusal> refusal) {
    public boolean passed() {
        return refusal.isEmpty();
    }
}
