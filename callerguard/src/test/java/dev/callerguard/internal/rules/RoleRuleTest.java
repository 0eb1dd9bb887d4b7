package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final RoleRule RULE = new RoleRule(
            new CallerPolicy(true, Set.of(), Set.of(), Set.of("Function.Invoke", "Reports.Read")));
    private static final RoleRule NO_ROLES = new RoleRule(new CallerPolicy(true, Set.of(), Set.of(), Set.of()));

    private static CallerClaims claimsHolding(String... roles) {
        return TestClaims.valid(NOW).roles(roles).build();
    }

    @Test
    void isNamedRoles() {
        assertThat(RULE.name()).isEqualTo("roles");
    }

    @Test
    void acceptsClaimsHoldingEveryRequiredRole() {
        assertThat(RULE.check(claimsHolding("Reports.Read", "Function.Invoke"))).isEmpty();
    }

    @Test
    void acceptsClaimsHoldingFurtherRoles() {
        assertThat(RULE.check(claimsHolding("Function.Invoke", "Reports.Read", "Reports.Write"))).isEmpty();
    }

    @Test
    void refusesClaimsMissingOneRequiredRole() {
        assertThat(RULE.check(claimsHolding("Function.Invoke"))).contains(Refusal.ROLE_MISSING);
    }

    @Test
    void refusesClaimsWithoutRoles() {
        assertThat(RULE.check(claimsHolding())).contains(Refusal.ROLE_MISSING);
    }

    @Test
    void refusesARoleInAnotherCase() {
        assertThat(RULE.check(claimsHolding("Function.Invoke", "reports.read"))).contains(Refusal.ROLE_MISSING);
    }

    @Test
    void acceptsClaimsWithoutRolesWhenNoneAreRequired() {
        assertThat(NO_ROLES.check(claimsHolding())).isEmpty();
    }
}
