package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessTokenRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final AccessTokenRule RULE = new AccessTokenRule();

    @Test
    void isNamedAccessToken() {
        assertThat(RULE.name()).isEqualTo("access-token");
    }

    @Test
    void acceptsATokenThatNamesItsClientApp() {
        assertThat(RULE.check(TestClaims.valid(NOW).appId(TestIds.ALLOWED_CALLER_APP).build())).isEmpty();
    }

    @Test
    void refusesATokenWithNeitherAppidNorAzpAsNotAnAccessToken() {
        assertThat(RULE.check(TestClaims.valid(NOW).appId(null).build())).contains(Refusal.NOT_ACCESS_TOKEN);
    }

    @Test
    void refusesAnIdTokenOfTheApiItselfWhateverElseItHolds() {
        CallerClaims idToken = TestClaims.valid(NOW).appId(null).audiences(TestIds.API_CLIENT_ID).identityType(null)
                .subject("pairwise-subject").roles("Function.Invoke").build();

        assertThat(RULE.check(idToken)).contains(Refusal.NOT_ACCESS_TOKEN);
        assertThat(Refusal.NOT_ACCESS_TOKEN.kind().status()).isEqualTo(401);
    }
}
