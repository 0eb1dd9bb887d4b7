package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AudienceRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final String GRAPH_CLIENT_ID = "00000003-0000-0000-c000-000000000000";
    private static final AudienceRule RULE = new AudienceRule(Set.of(TestIds.API_APP_ID_URI, TestIds.API_CLIENT_ID));

    private static CallerClaims claimsFor(String... audiences) {
        return TestClaims.valid(NOW).audiences(audiences).build();
    }

    @Test
    void isNamedAudience() {
        assertThat(RULE.name()).isEqualTo("audience");
    }

    @Test
    void acceptsTheAppIdUri() {
        assertThat(RULE.check(claimsFor(TestIds.API_APP_ID_URI))).isEmpty();
    }

    @Test
    void acceptsTheClientId() {
        assertThat(RULE.check(claimsFor(TestIds.API_CLIENT_ID))).isEmpty();
    }

    @Test
    void acceptsTheClientIdInUpperCase() {
        assertThat(RULE.check(claimsFor(TestIds.API_CLIENT_ID.toUpperCase()))).isEmpty();
    }

    @Test
    void acceptsTheClientIdWhenConfiguredInUpperCase() {
        AudienceRule rule = new AudienceRule(Set.of(TestIds.API_CLIENT_ID.toUpperCase()));

        assertThat(rule.check(claimsFor(TestIds.API_CLIENT_ID))).isEmpty();
    }

    @Test
    void acceptsWhenOneOfSeveralAudiencesIsConfigured() {
        assertThat(RULE.check(claimsFor("https://graph.microsoft.com", TestIds.API_APP_ID_URI))).isEmpty();
    }

    @Test
    void refusesTheAppIdUriWithItsSchemeInAnotherCase() {
        assertThat(RULE.check(claimsFor("API://" + TestIds.API_CLIENT_ID))).contains(Refusal.AUDIENCE);
    }

    @Test
    void refusesTheAppIdUriWithItsGuidInUpperCase() {
        assertThat(RULE.check(claimsFor("api://" + TestIds.API_CLIENT_ID.toUpperCase()))).contains(Refusal.AUDIENCE);
    }

    @Test
    void refusesTheAppIdUriWithATrailingSlash() {
        assertThat(RULE.check(claimsFor(TestIds.API_APP_ID_URI + "/"))).contains(Refusal.AUDIENCE);
    }

    @Test
    void refusesAnEmptyAudienceList() {
        assertThat(RULE.check(claimsFor())).contains(Refusal.AUDIENCE);
    }

    @Test
    void refusesWhenAudienceIsGraphsClientId() {
        assertThat(RULE.check(claimsFor(GRAPH_CLIENT_ID))).contains(Refusal.AUDIENCE);
    }

    @Test
    void refusesWhenAudienceIsGraph() {
        assertThat(RULE.check(claimsFor("https://graph.microsoft.com"))).contains(Refusal.AUDIENCE);
    }
}
