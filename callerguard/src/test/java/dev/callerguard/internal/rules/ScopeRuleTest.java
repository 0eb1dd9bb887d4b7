package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final ScopeRule RULE = new ScopeRule(
            new CallerPolicy(true, Set.of(), Set.of(), Set.of(), Set.of("Orders.Read", "Orders.Write")));
    private static final ScopeRule NO_SCOPES = new ScopeRule(new CallerPolicy(true, Set.of(), Set.of(), Set.of()));

    /** A user's delegated claims: {@code idtyp} user, a pairwise {@code sub}, the given {@code scp}. */
    private static CallerClaims userWith(String scp) {
        return TestClaims.valid(NOW).identityType("user").subject("pairwise-subject").scopes(scp).build();
    }

    @Test
    void isNamedScopes() {
        assertThat(RULE.name()).isEqualTo("scopes");
    }

    @Test
    void acceptsAUserHoldingEveryRequiredScopeAmongOthers() {
        assertThat(RULE.check(userWith("user_impersonation Orders.Write Orders.Read"))).isEmpty();
    }

    @ParameterizedTest(name = "scp [{0}]")
    @ValueSource(strings = {"Orders.Read", "orders.read orders.write", "Orders.Read,Orders.Write",
            "Orders.Read\tOrders.Write", "Orders.ReadOrders.Write", " "})
    void refusesAUserMissingARequiredScope(String scp) {
        assertThat(RULE.check(userWith(scp))).contains(Refusal.SCOPE_MISSING);
    }

    @Test
    void refusesAUserWithoutScp() {
        assertThat(RULE.check(userWith(null))).contains(Refusal.SCOPE_MISSING);
    }

    @Test
    void acceptsDoubledSpacesBetweenScopes() {
        assertThat(RULE.check(userWith("Orders.Read  Orders.Write"))).isEmpty();
    }

    /** An application carries no scopes; {@link RoleRule} judges it. */
    @Test
    void leavesApplicationCallersToTheirRoles() {
        assertThat(RULE.check(TestClaims.valid(NOW).build())).isEmpty();
        assertThat(RULE.check(TestClaims.valid(NOW).identityType(null).build())).as("oid equals sub").isEmpty();
    }

    /** What makes a credential delegated is {@link CallerTypeRule}'s test: with {@code scp} it is a user's. */
    @Test
    void judgesACredentialWithScpAndIdtypAppAsAUser() {
        assertThat(RULE.check(TestClaims.valid(NOW).scopes("Orders.Read").build())).contains(Refusal.SCOPE_MISSING);
    }

    @Test
    void acceptsAnyCallerWhenNoScopeIsRequired() {
        assertThat(NO_SCOPES.check(userWith(null))).isEmpty();
        assertThat(NO_SCOPES.check(userWith("anything"))).isEmpty();
    }
}
