package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One {@code aud} value must be a configured audience. Values are matched exactly, except that two GUIDs (a v2
 * token's client id) compare case-insensitively.
 */
final class AudienceRule implements ClaimRule {
    private final Set<String> audiences;
    private final Set<String> guidAudiences;

    AudienceRule(Set<String> audiences) {
        this.audiences = Set.copyOf(audiences);
        this.guidAudiences = audiences.stream().map(Guids::canonical).flatMap(Optional::stream)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String name() {
        return "audience";
    }

    @Override
    public Optional<Refusal> check(CallerClaims claims) {
        for (String aud : claims.audiences()) {
            if (audiences.contains(aud) || accepted(aud)) {
                return Optional.empty();
            }
        }
        return Optional.of(Refusal.AUDIENCE);
    }

    private boolean accepted(String aud) {
        return Guids.canonical(aud).filter(guidAudiences::contains).isPresent();
    }
}
