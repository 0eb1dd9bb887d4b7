package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestSettings;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimRulesTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final GuardSettings SETTINGS = TestSettings.load(
            URI.create("https://login.microsoftonline.com/" + TestIds.TENANT + "/discovery/v2.0/keys"));

    private final MutableClock clock = new MutableClock(NOW);
    private final ClaimRules bearer = ClaimRules.forBearer(SETTINGS, SETTINGS.policy(), clock);
    private final ClaimRules principal = ClaimRules.forPrincipal(SETTINGS, SETTINGS.policy());

    private static TestClaims claims() {
        return TestClaims.valid(NOW);
    }

    /** What Easy Auth's principal yields: no lifetime claims. */
    private static TestClaims principalClaims() {
        return claims().expiresAt(null).notBefore(null);
    }

    private static List<String> names(List<RuleVerdict> verdicts) {
        return verdicts.stream().map(RuleVerdict::rule).toList();
    }

    @Test
    void forBearerAcceptsValidClaims() {
        assertThat(bearer.check(claims().build())).isEmpty();
    }

    @Test
    void forBearerRunsTokenRulesBeforeAllowlistRules() {
        assertThat(names(bearer.explain(claims().build())))
                .containsExactly("issuer", "tenant", "audience", "lifetime", "access-token", "caller", "caller-type",
                        "app", "roles", "scopes");
    }

    @Test
    void forBearerRefusesABadTokenWith401BeforeANotAllowedCallerWith403() {
        CallerClaims claims = claims().audiences("https://graph.microsoft.com").objectId(TestIds.INTRUDER).build();

        assertThat(bearer.check(claims)).contains(Refusal.AUDIENCE);
    }

    @Test
    void forBearerRefusesExpiredClaimsOfANotAllowedCallerAsExpired() {
        CallerClaims claims = claims().expiresAt(NOW.getEpochSecond() - 3600).objectId(TestIds.INTRUDER).build();

        assertThat(bearer.check(claims)).contains(Refusal.EXPIRED);
    }

    @Test
    void forBearerReportsTheFirstRuleThatRefuses() {
        CallerClaims claims = claims().issuer(null).tenantId(TestIds.OTHER_TENANT).build();

        assertThat(bearer.check(claims)).contains(Refusal.ISSUER);
    }

    @Test
    void forBearerRefusesACallerNotInThePolicy() {
        assertThat(bearer.check(claims().objectId(TestIds.INTRUDER).build())).contains(Refusal.CALLER_NOT_ALLOWED);
    }

    @Test
    void forBearerAppliesThePolicyItIsGivenRatherThanTheSettingsPolicy() {
        ClaimRules narrowed = ClaimRules.forBearer(SETTINGS, SETTINGS.policy().requiringRoles("Reports.Read"), clock);

        assertThat(narrowed.check(claims().build())).contains(Refusal.ROLE_MISSING);
    }

    @Test
    void forBearerReadsTheClockOnEveryCheck() {
        CallerClaims claims = claims().build();
        clock.set(NOW.plusSeconds(7200));

        assertThat(bearer.check(claims)).contains(Refusal.EXPIRED);
    }

    @Test
    void explainReturnsEveryVerdictWithoutStoppingAtTheFirstRefusal() {
        CallerClaims claims = claims().issuer("https://sts.windows.net/" + TestIds.OTHER_TENANT + "/")
                .objectId(TestIds.INTRUDER).build();

        assertThat(bearer.explain(claims)).containsExactly(
                new RuleVerdict("issuer", Optional.of(Refusal.ISSUER)),
                new RuleVerdict("tenant", Optional.empty()),
                new RuleVerdict("audience", Optional.empty()),
                new RuleVerdict("lifetime", Optional.empty()),
                new RuleVerdict("access-token", Optional.empty()),
                new RuleVerdict("caller", Optional.of(Refusal.CALLER_NOT_ALLOWED)),
                new RuleVerdict("caller-type", Optional.empty()),
                new RuleVerdict("app", Optional.empty()),
                new RuleVerdict("roles", Optional.empty()),
                new RuleVerdict("scopes", Optional.empty()));
    }

    @Test
    void explainPassesEveryRuleForValidClaims() {
        assertThat(bearer.explain(claims().build())).allSatisfy(verdict -> assertThat(verdict.passed()).isTrue());
    }

    @Test
    void forPrincipalAcceptsClaimsWithoutIssuerOrLifetime() {
        assertThat(principal.check(principalClaims().issuer(null).build())).isEmpty();
    }

    @Test
    void forPrincipalLeavesIssuerAndLifetimeToEasyAuth() {
        assertThat(names(principal.explain(principalClaims().build())))
                .containsExactly("tenant", "audience", "caller", "caller-type", "app", "roles", "scopes");
    }

    @Test
    void forPrincipalRefusesAnotherTenantBeforeANotAllowedCaller() {
        CallerClaims claims = principalClaims().tenantId(TestIds.OTHER_TENANT).objectId(TestIds.INTRUDER).build();

        assertThat(principal.check(claims)).contains(Refusal.TENANT);
    }

    @Test
    void forPrincipalRefusesAnotherAudience() {
        assertThat(principal.check(principalClaims().audiences("https://graph.microsoft.com").build()))
                .contains(Refusal.AUDIENCE);
    }

    @Test
    void forPrincipalRefusesACallerNotInThePolicy() {
        assertThat(principal.check(principalClaims().objectId(TestIds.INTRUDER).build()))
                .contains(Refusal.CALLER_NOT_ALLOWED);
    }
}
