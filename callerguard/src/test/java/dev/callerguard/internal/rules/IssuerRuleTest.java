package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IssuerRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final IssuerRule RULE = new IssuerRule(Set.of(TestClaims.V1_ISSUER, TestClaims.V2_ISSUER));

    private static CallerClaims claimsIssuedBy(String issuer) {
        return TestClaims.valid(NOW).issuer(issuer).build();
    }

    @Test
    void isNamedIssuer() {
        assertThat(RULE.name()).isEqualTo("issuer");
    }

    @Test
    void acceptsTheTenantsV1Issuer() {
        assertThat(RULE.check(claimsIssuedBy(TestClaims.V1_ISSUER))).isEmpty();
    }

    @Test
    void acceptsTheTenantsV2Issuer() {
        assertThat(RULE.check(claimsIssuedBy(TestClaims.V2_ISSUER))).isEmpty();
    }

    @Test
    void refusesTheIssuerOfAnotherTenant() {
        assertThat(RULE.check(claimsIssuedBy("https://sts.windows.net/" + TestIds.OTHER_TENANT + "/")))
                .contains(Refusal.ISSUER);
    }

    @Test
    void refusesTheMultiTenantIssuerTemplate() {
        assertThat(RULE.check(claimsIssuedBy("https://login.microsoftonline.com/{tenantid}/v2.0")))
                .contains(Refusal.ISSUER);
    }

    @Test
    void refusesTheCommonEndpoint() {
        assertThat(RULE.check(claimsIssuedBy("https://login.microsoftonline.com/common/v2.0")))
                .contains(Refusal.ISSUER);
    }

    @Test
    void refusesAnIssuerThatDiffersOnlyInCase() {
        assertThat(RULE.check(claimsIssuedBy("https://sts.windows.net/" + TestIds.TENANT.toUpperCase() + "/")))
                .contains(Refusal.ISSUER);
    }

    @Test
    void refusesTheV1IssuerWithoutItsTrailingSlash() {
        assertThat(RULE.check(claimsIssuedBy("https://sts.windows.net/" + TestIds.TENANT)))
                .contains(Refusal.ISSUER);
    }

    @Test
    void refusesClaimsWithoutIssuer() {
        assertThat(RULE.check(claimsIssuedBy(null))).contains(Refusal.ISSUER);
    }
}
