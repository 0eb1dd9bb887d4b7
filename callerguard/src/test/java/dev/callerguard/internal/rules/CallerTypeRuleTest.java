package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallerTypeRuleTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final CallerTypeRule APPS_ONLY = new CallerTypeRule(false);
    private static final CallerTypeRule APPS_AND_USERS = new CallerTypeRule(true);
    private static final String PAIRWISE_SUB = "Ma8APpvZmW33OtwMeY4mEpA8_AOWWE6yTGYXZFdJTNQ";

    private static TestClaims app() {
        return TestClaims.valid(NOW);
    }

    private static TestClaims delegated() {
        return TestClaims.valid(NOW).identityType(null).subject(PAIRWISE_SUB).scopes("user_impersonation");
    }

    @Test
    void isNamedCallerType() {
        assertThat(APPS_ONLY.name()).isEqualTo("caller-type");
    }

    @Test
    void acceptsAnAppOnlyTokenWithIdtypApp() {
        assertThat(APPS_ONLY.check(app().build())).isEmpty();
    }

    @Test
    void acceptsAnAppOnlyTokenWithoutIdtypWhoseOidIsItsSub() {
        assertThat(APPS_ONLY.check(app().identityType(null).build())).isEmpty();
    }

    @Test
    void refusesADelegatedTokenUnderTheDefault() {
        assertThat(APPS_ONLY.check(delegated().build())).contains(Refusal.CALLER_TYPE);
        assertThat(Refusal.CALLER_TYPE.kind().status()).isEqualTo(403);
        assertThat(Refusal.CALLER_TYPE.description()).contains(GuardSettings.CALLER_TYPES);
    }

    @Test
    void acceptsADelegatedTokenUnderAppAndUser() {
        assertThat(APPS_AND_USERS.check(delegated().build())).isEmpty();
    }

    @Test
    void refusesIdtypUser() {
        assertThat(APPS_ONLY.check(app().identityType("user").build())).contains(Refusal.CALLER_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"App", "APP", "app ", "", "application"})
    void refusesIdtypOtherThanExactlyApp(String idtyp) {
        assertThat(APPS_ONLY.check(app().identityType(idtyp).build())).contains(Refusal.CALLER_TYPE);
    }

    @Test
    void refusesScopesEvenBesideIdtypApp() {
        assertThat(APPS_ONLY.check(app().scopes("user_impersonation").build())).contains(Refusal.CALLER_TYPE);
    }

    @Test
    void refusesATokenWithoutIdtypWhoseSubIsNotItsOid() {
        assertThat(APPS_ONLY.check(app().identityType(null).subject(PAIRWISE_SUB).build()))
                .contains(Refusal.CALLER_TYPE);
    }

    @Test
    void refusesATokenWithoutIdtypWhoseSubIsMissing() {
        assertThat(APPS_ONLY.check(app().identityType(null).subject(null).build())).contains(Refusal.CALLER_TYPE);
    }

    @Test
    void refusesATokenWithoutIdtypOidOrSub() {
        assertThat(APPS_ONLY.check(app().identityType(null).objectId(null).subject(null).build()))
                .contains(Refusal.CALLER_TYPE);
    }

    @Test
    void comparesOidAndSubExactly() {
        CallerClaims upperSub = app().identityType(null).subject(TestIds.ALLOWED_CALLER.toUpperCase()).build();

        assertThat(APPS_ONLY.check(upperSub)).contains(Refusal.CALLER_TYPE);
    }

    /**
     * The oid and sub are compared exactly as sent, although the check holds the oid in canonical (lower-case) form
     * for every other rule: an upper-case oid and the same sub are an application, an upper-case oid and its
     * lower-case form as sub are not.
     */
    @Test
    void comparesTheOidAsSentWithTheSubAsSent() {
        String upper = TestIds.ALLOWED_CALLER.toUpperCase();
        CallerClaims bothUpper = app().identityType(null).objectId(upper).subject(upper).build();
        CallerClaims upperOidLowerSub = app().identityType(null).objectId(upper).subject(TestIds.ALLOWED_CALLER)
                .build();

        assertThat(bothUpper.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(APPS_ONLY.check(bothUpper)).isEmpty();
        assertThat(APPS_ONLY.check(upperOidLowerSub)).contains(Refusal.CALLER_TYPE);
    }

    /** The oid as sent, not its canonical form (empty for text that is not a GUID), is what the sub is compared with. */
    @Test
    void comparesAnOidThatIsNotAGuidWithTheSubAsSent() {
        CallerClaims sameText = app().identityType(null).objectId("Not-A-Guid").subject("Not-A-Guid").build();

        assertThat(sameText.objectId()).isEmpty();
        assertThat(APPS_ONLY.check(sameText)).isEmpty();
    }
}
