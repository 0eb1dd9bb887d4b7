package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callerguard.testing.TestIds;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CallerPolicyTest {

    /** Two allowed callers, one allowed app, one required role. */
    private static CallerPolicy policy() {
        return new CallerPolicy(false, Set.of(TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER),
                Set.of(TestIds.ALLOWED_CALLER_APP), Set.of("Function.Invoke"));
    }

    private static CallerPolicy anyCallerPolicy() {
        return new CallerPolicy(true, Set.of(), Set.of(), Set.of());
    }

    @Test
    void refusesAnyCallerTogetherWithACallerList() {
        assertThatThrownBy(() -> new CallerPolicy(true, Set.of(TestIds.ALLOWED_CALLER), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnEmptyCallerListWithoutAnyCaller() {
        assertThatThrownBy(() -> new CallerPolicy(false, Set.of(), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesACallerIdThatIsNotAGuid() {
        assertThatThrownBy(() -> new CallerPolicy(false, Set.of("alice@contoso.com"), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a GUID");
    }

    @Test
    void refusesAnAppIdThatIsNotAGuid() {
        assertThatThrownBy(() -> new CallerPolicy(true, Set.of(), Set.of("my-client-app"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a GUID");
    }

    @Test
    void doesNotChangeWhenTheSetsItWasBuiltFromChange() {
        Set<String> callers = new HashSet<>(Set.of(TestIds.ALLOWED_CALLER));
        CallerPolicy policy = new CallerPolicy(false, callers, Set.of(), Set.of());

        callers.add(TestIds.INTRUDER);

        assertThat(policy.allowedCallers()).containsExactly(TestIds.ALLOWED_CALLER);
    }

    @Test
    void exposesUnmodifiableSets() {
        assertThatThrownBy(() -> policy().allowedCallers().add(TestIds.INTRUDER))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** The rules compare canonical (lower-case) ids, so a policy built with upper-case ids must still match. */
    @Test
    void keepsCallerAndAppIdsInCanonicalLowerCase() {
        CallerPolicy policy = new CallerPolicy(false, Set.of(TestIds.ALLOWED_CALLER.toUpperCase()),
                Set.of(TestIds.ALLOWED_CALLER_APP.toUpperCase()), Set.of());

        assertThat(policy.allowedCallers()).containsExactly(TestIds.ALLOWED_CALLER);
        assertThat(policy.allowedApps()).containsExactly(TestIds.ALLOWED_CALLER_APP);
    }

    // Finding "explain.sh prints allowed callers in a different order from run to run": Set.copyOf iterated in
    // an order of its own (it changes from JVM to JVM); every order of three ids must come back as given.

    static Stream<List<String>> threeIdsInEveryOrder() {
        List<String> ids = List.of(TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER, TestIds.INTRUDER);
        return Stream.of(List.of(0, 1, 2), List.of(0, 2, 1), List.of(1, 0, 2), List.of(1, 2, 0), List.of(2, 0, 1),
                List.of(2, 1, 0)).map(order -> order.stream().map(ids::get).toList());
    }

    @ParameterizedTest
    @MethodSource("threeIdsInEveryOrder")
    void keepsAllowedCallersAndAppsInTheOrderGiven(List<String> ids) {
        CallerPolicy policy = new CallerPolicy(false, new LinkedHashSet<>(ids), new LinkedHashSet<>(ids), Set.of());

        assertThat(policy.allowedCallers()).containsExactlyElementsOf(ids);
        assertThat(policy.allowedApps()).containsExactlyElementsOf(ids);
    }

    @ParameterizedTest
    @MethodSource("threeIdsInEveryOrder")
    void keepsRequiredRolesInTheOrderGiven(List<String> ids) {
        List<String> roles = ids.stream().map(id -> "Role." + id).toList();

        CallerPolicy policy = new CallerPolicy(true, Set.of(), Set.of(), new LinkedHashSet<>(roles));

        assertThat(policy.requiredRoles()).containsExactlyElementsOf(roles);
        assertThat(policy.requiringRoles("Last").requiredRoles()).endsWith("Last").hasSize(4);
    }

    @ParameterizedTest
    @MethodSource("threeIdsInEveryOrder")
    void narrowingKeepsTheOrderOfTheIdsItIsGiven(List<String> ids) {
        CallerPolicy policy = new CallerPolicy(false, Set.copyOf(ids), Set.of(), Set.of());
        CallerPolicy narrowed = policy.narrowedToCallers(ids.toArray(String[]::new));

        assertThat(narrowed.allowedCallers()).containsExactlyElementsOf(ids);
    }

    @Test
    void refusesANullRoleAsSetCopyOfDid() {
        Set<String> roles = new LinkedHashSet<>();
        roles.add(null);

        assertThatThrownBy(() -> new CallerPolicy(true, Set.of(), Set.of(), roles))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void requiringRolesAddsToTheRolesAlreadyRequired() {
        assertThat(policy().requiringRoles("Reports.Read").requiredRoles())
                .containsExactlyInAnyOrder("Function.Invoke", "Reports.Read");
    }

    @Test
    void requiringRolesKeepsCallersAndApps() {
        CallerPolicy narrowed = policy().requiringRoles("Reports.Read");

        assertThat(narrowed.allowedCallers()).isEqualTo(policy().allowedCallers());
        assertThat(narrowed.allowedApps()).isEqualTo(policy().allowedApps());
        assertThat(narrowed.anyCaller()).isFalse();
    }

    @Test
    void requiringRolesLeavesTheOriginalPolicyUnchanged() {
        CallerPolicy original = policy();

        original.requiringRoles("Reports.Read");

        assertThat(original.requiredRoles()).containsExactly("Function.Invoke");
    }

    @Test
    void narrowingKeepsOnlyCallersThisPolicyAllows() {
        CallerPolicy narrowed = policy().narrowedToCallers(TestIds.ALLOWED_CALLER, TestIds.INTRUDER);

        assertThat(narrowed.allowedCallers()).containsExactly(TestIds.ALLOWED_CALLER);
    }

    @Test
    void narrowingCanonicalizesTheIdsItIsGiven() {
        CallerPolicy narrowed = policy().narrowedToCallers(TestIds.ALLOWED_CALLER.toUpperCase());

        assertThat(narrowed.allowedCallers()).containsExactly(TestIds.ALLOWED_CALLER);
    }

    @Test
    void narrowingAnAnyCallerPolicyAllowsOnlyTheNamedCallers() {
        CallerPolicy narrowed = anyCallerPolicy().narrowedToCallers(TestIds.SECOND_ALLOWED_CALLER);

        assertThat(narrowed.anyCaller()).isFalse();
        assertThat(narrowed.allowedCallers()).containsExactly(TestIds.SECOND_ALLOWED_CALLER);
    }

    @Test
    void narrowingKeepsAppsAndRoles() {
        CallerPolicy narrowed = policy().narrowedToCallers(TestIds.ALLOWED_CALLER);

        assertThat(narrowed.allowedApps()).containsExactly(TestIds.ALLOWED_CALLER_APP);
        assertThat(narrowed.requiredRoles()).containsExactly("Function.Invoke");
    }

    @Test
    void refusesNarrowingToCallersThisPolicyDoesNotAllow() {
        assertThatThrownBy(() -> policy().narrowedToCallers(TestIds.INTRUDER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves no allowed caller");
    }

    @Test
    void refusesNarrowingToAnIdThatIsNotAGuid() {
        assertThatThrownBy(() -> policy().narrowedToCallers("alice@contoso.com"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requiringScopesAddsToTheScopesAlreadyRequiredAndKeepsTheRest() {
        CallerPolicy reads = policy().requiringScopes("Orders.Read");
        CallerPolicy both = reads.requiringScopes("Orders.Write", "Orders.Read");

        assertThat(both.requiredScopes()).containsExactly("Orders.Read", "Orders.Write");
        assertThat(both.allowedCallers()).isEqualTo(policy().allowedCallers());
        assertThat(both.allowedApps()).isEqualTo(policy().allowedApps());
        assertThat(both.requiredRoles()).isEqualTo(policy().requiredRoles());
        assertThat(policy().requiredScopes()).isEmpty();
    }

    @Test
    void theOtherNarrowingsKeepTheRequiredScopes() {
        CallerPolicy reads = policy().requiringScopes("Orders.Read");

        assertThat(reads.requiringRoles("Reports.Read").requiredScopes()).containsExactly("Orders.Read");
        assertThat(reads.narrowedToCallers(TestIds.ALLOWED_CALLER).requiredScopes()).containsExactly("Orders.Read");
    }

    @Test
    void refusesAScopeThatIsNoScopeToken() {
        for (String odd : List.of("", " ", "Orders Read", "a\"b", "a\\b", "\u00e4", "a\tb")) {
            assertThatThrownBy(() -> policy().requiringScopes(odd)).as("[%s]", odd)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(CallerPolicy.isScopeToken("!#[]~Orders.Read/api://x")).isTrue();
    }
}
