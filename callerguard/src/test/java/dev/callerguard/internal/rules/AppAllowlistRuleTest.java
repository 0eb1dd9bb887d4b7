package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppAllowlistRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final AppAllowlistRule RULE = new AppAllowlistRule(
            new CallerPolicy(true, Set.of(), Set.of(TestIds.ALLOWED_CALLER_APP), Set.of()));
    private static final AppAllowlistRule ANY_APP =
            new AppAllowlistRule(new CallerPolicy(true, Set.of(), Set.of(), Set.of()));

    private static CallerClaims claimsFrom(String appId) {
        return TestClaims.valid(NOW).appId(appId).build();
    }

    @Test
    void isNamedApp() {
        assertThat(RULE.name()).isEqualTo("app");
    }

    @Test
    void acceptsAnAllowedApp() {
        assertThat(RULE.check(claimsFrom(TestIds.ALLOWED_CALLER_APP))).isEmpty();
    }

    @Test
    void acceptsTheUpperCaseFormOfAnAllowedApp() {
        assertThat(RULE.check(claimsFrom(TestIds.ALLOWED_CALLER_APP.toUpperCase()))).isEmpty();
    }

    @Test
    void refusesAnAppNotInTheList() {
        assertThat(RULE.check(claimsFrom(TestIds.INTRUDER_APP))).contains(Refusal.APP_NOT_ALLOWED);
    }

    @Test
    void refusesClaimsWithoutAppIdWhenAppsAreListed() {
        assertThat(RULE.check(claimsFrom(null))).contains(Refusal.APP_NOT_ALLOWED);
    }

    @Test
    void refusesAnAppIdThatIsNotAGuid() {
        assertThat(RULE.check(claimsFrom("my-client-app"))).contains(Refusal.APP_NOT_ALLOWED);
    }

    @Test
    void acceptsAnyAppWhenNoneAreListed() {
        assertThat(ANY_APP.check(claimsFrom(TestIds.INTRUDER_APP))).isEmpty();
    }

    @Test
    void acceptsClaimsWithoutAppIdWhenNoneAreListed() {
        assertThat(ANY_APP.check(claimsFrom(null))).isEmpty();
    }
}
