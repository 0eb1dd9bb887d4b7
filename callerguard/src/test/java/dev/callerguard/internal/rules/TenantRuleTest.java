package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TenantRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final TenantRule RULE = new TenantRule(TestIds.TENANT);

    private static CallerClaims claimsOfTenant(String tenantId) {
        return TestClaims.valid(NOW).tenantId(tenantId).build();
    }

    @Test
    void isNamedTenant() {
        assertThat(RULE.name()).isEqualTo("tenant");
    }

    @Test
    void acceptsTheConfiguredTenant() {
        assertThat(RULE.check(claimsOfTenant(TestIds.TENANT))).isEmpty();
    }

    @Test
    void acceptsTheConfiguredTenantInUpperCase() {
        assertThat(RULE.check(claimsOfTenant(TestIds.TENANT.toUpperCase()))).isEmpty();
    }

    @Test
    void refusesAnotherTenant() {
        assertThat(RULE.check(claimsOfTenant(TestIds.OTHER_TENANT))).contains(Refusal.TENANT);
    }

    @Test
    void refusesClaimsWithoutTenant() {
        assertThat(RULE.check(claimsOfTenant(null))).contains(Refusal.TENANT);
    }

    @Test
    void refusesATenantThatIsNotAGuid() {
        assertThat(RULE.check(claimsOfTenant("contoso.onmicrosoft.com"))).contains(Refusal.TENANT);
    }

    @Test
    void refusesTheTenantGuidWithBraces() {
        assertThat(RULE.check(claimsOfTenant("{" + TestIds.TENANT + "}"))).contains(Refusal.TENANT);
    }
}
