package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerAllowlistRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final CallerAllowlistRule RULE = new CallerAllowlistRule(new CallerPolicy(false,
            Set.of(TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER), Set.of(), Set.of()));
    private static final CallerAllowlistRule ANY_CALLER =
            new CallerAllowlistRule(new CallerPolicy(true, Set.of(), Set.of(), Set.of()));

    private static CallerClaims claimsOf(String objectId) {
        return TestClaims.valid(NOW).objectId(objectId).build();
    }

    @Test
    void isNamedCaller() {
        assertThat(RULE.name()).isEqualTo("caller");
    }

    @Test
    void acceptsAnAllowedCaller() {
        assertThat(RULE.check(claimsOf(TestIds.ALLOWED_CALLER))).isEmpty();
    }

    @Test
    void acceptsEveryAllowedCaller() {
        assertThat(RULE.check(claimsOf(TestIds.SECOND_ALLOWED_CALLER))).isEmpty();
    }

    @Test
    void acceptsTheUpperCaseFormOfAnAllowedCaller() {
        assertThat(RULE.check(claimsOf(TestIds.ALLOWED_CALLER.toUpperCase()))).isEmpty();
    }

    @Test
    void refusesACallerNotInTheList() {
        assertThat(RULE.check(claimsOf(TestIds.INTRUDER))).contains(Refusal.CALLER_NOT_ALLOWED);
    }

    @Test
    void refusesClaimsWithoutObjectId() {
        assertThat(RULE.check(claimsOf(null))).contains(Refusal.NO_OBJECT_ID);
    }

    @Test
    void refusesAnObjectIdThatIsNotAGuid() {
        assertThat(RULE.check(claimsOf("alice@contoso.com"))).contains(Refusal.NO_OBJECT_ID);
    }

    @Test
    void acceptsAnyCallerWhenTheListIsStar() {
        assertThat(ANY_CALLER.check(claimsOf(TestIds.INTRUDER))).isEmpty();
    }

    @Test
    void refusesClaimsWithoutObjectIdEvenWhenTheListIsStar() {
        assertThat(ANY_CALLER.check(claimsOf(null))).contains(Refusal.NO_OBJECT_ID);
    }
}
