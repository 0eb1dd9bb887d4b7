package dev.callerguard.auth;

import java.util.Optional;
import java.util.Set;

/**
 * One {@code aud} value must be a configured audience. Values are matched exactly, except that two GUIDs (a v2
 * token's client id) compare case-insensitively.
 */
final class AudienceRule implements ClaimRule {
    private final Set<String> audiences;

    AudienceRule(Set<String> audiences) {
        this.audiences = Set.copyOf(audiences);
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
        Optional<String> guid = Guids.canonical(aud);
        return guid.isPresent() && audiences.stream()
                .map(Guids::canonical)
                .anyMatch(configured -> configured.equals(guid));
    }
}
