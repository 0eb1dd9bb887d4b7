package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.settings.GuardSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalIdentities}: the local tenant's identities, found by any of their ids as the managed identity
 * endpoint selects them, and consistent with {@code local.settings.json}.
 */
class LocalIdentitiesTest {

    private static List<String> everyId() {
        List<String> ids = new ArrayList<>();
        for (LocalIdentity identity : LocalIdentities.ALL) {
            ids.add(identity.objectId());
            ids.add(identity.clientId());
            ids.add(identity.resourceId().toLowerCase(Locale.ROOT));
        }
        return ids;
    }

    @Test
    void everyIdNamesOneIdentityOnly() {
        assertThat(everyId()).doesNotHaveDuplicates();
    }

    @Test
    void everyNameIsDistinct() {
        assertThat(LocalIdentities.ALL).extracting(LocalIdentity::name).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("apim", "intruder", "reporter", "app");
    }

    @Test
    void objectAndClientIdsAreCanonicalLowerCaseGuids() {
        for (LocalIdentity identity : LocalIdentities.ALL) {
            for (String id : List.of(identity.objectId(), identity.clientId())) {
                assertThat(UUID.fromString(id).toString()).as(identity.name()).isEqualTo(id);
            }
        }
    }

    @Test
    void apiAppIdUriIsTheApiClientIdUnderApiScheme() {
        assertThat(LocalIdentities.API_APP_ID_URI).isEqualTo("api://" + LocalIdentities.API_CLIENT_ID);
    }

    @Test
    void byIdFindsAnIdentityByClientId() {
        assertThat(LocalIdentities.byId(LocalIdentities.REPORTER.clientId())).contains(LocalIdentities.REPORTER);
    }

    @Test
    void byIdFindsAnIdentityByObjectId() {
        assertThat(LocalIdentities.byId(LocalIdentities.REPORTER.objectId())).contains(LocalIdentities.REPORTER);
    }

    @Test
    void byIdFindsAnIdentityByResourceId() {
        assertThat(LocalIdentities.byId(LocalIdentities.APIM.resourceId())).contains(LocalIdentities.APIM);
    }

    @Test
    void byIdFindsEveryIdentityByEachOfItsIds() {
        for (LocalIdentity identity : LocalIdentities.ALL) {
            assertThat(LocalIdentities.byId(identity.clientId())).as(identity.name()).contains(identity);
            assertThat(LocalIdentities.byId(identity.objectId())).as(identity.name()).contains(identity);
            assertThat(LocalIdentities.byId(identity.resourceId())).as(identity.name()).contains(identity);
        }
    }

    @Test
    void byIdIgnoresTheCaseOfAGuid() {
        String upper = LocalIdentities.INTRUDER.clientId().toUpperCase(Locale.ROOT);

        assertThat(LocalIdentities.byId(upper)).contains(LocalIdentities.INTRUDER);
    }

    @Test
    void byIdIgnoresTheCaseOfAResourceId() {
        String lower = LocalIdentities.APP.resourceId().toLowerCase(Locale.ROOT);
        String upper = LocalIdentities.APP.resourceId().toUpperCase(Locale.ROOT);

        assertThat(LocalIdentities.byId(lower)).contains(LocalIdentities.APP);
        assertThat(LocalIdentities.byId(upper)).contains(LocalIdentities.APP);
    }

    @Test
    void byIdOfAnUnknownIdIsEmpty() {
        assertThat(LocalIdentities.byId("00000000-0000-4000-8000-00000000dead")).isEmpty();
    }

    @Test
    void byIdOfTheApiClientIdIsEmpty() {
        assertThat(LocalIdentities.byId(LocalIdentities.API_CLIENT_ID)).isEmpty();
    }

    @Test
    void byNameFindsEachIdentity() {
        for (LocalIdentity identity : LocalIdentities.ALL) {
            assertThat(LocalIdentities.byName(identity.name())).contains(identity);
        }
        assertThat(LocalIdentities.byName("nobody")).isEmpty();
    }

    @Test
    void onlyTheIntruderHoldsNoAppRole() {
        assertThat(LocalIdentities.ALL).filteredOn(i -> i.roles().isEmpty()).containsExactly(LocalIdentities.INTRUDER);
    }

    @Test
    void identityRolesCannotBeChanged() {
        List<String> roles = new ArrayList<>(List.of("Function.Invoke"));
        LocalIdentity identity = new LocalIdentity("x", "o", "c", "r", roles, "w");

        roles.add("Reports.Read");

        assertThat(identity.roles()).containsExactly("Function.Invoke");
    }

    @Test
    void projectLocalSettingsAllowApimReporterAndAppButNotTheIntruder() throws IOException {
        Map<String, String> settings = LocalSettings.read(Path.of("sample-app", "local.settings.json"), Map.of());

        GuardSettings loaded = GuardSettings.load(settings);

        assertThat(loaded.tenantId()).isEqualTo(LocalIdentities.TENANT_ID);
        assertThat(loaded.audiences()).contains(LocalIdentities.API_APP_ID_URI);
        assertThat(loaded.policy().allowedCallers()).containsExactlyInAnyOrder(LocalIdentities.APIM.objectId(),
                LocalIdentities.REPORTER.objectId(), LocalIdentities.APP.objectId());
    }

    @Test
    void theDelegatedSettingsAllowTheSameIdentitiesAndAdaAndRequireOrdersRead() throws IOException {
        GuardSettings sample = GuardSettings.load(LocalSettings.read(Path.of("sample-app", "local.settings.json"),
                Map.of()));
        GuardSettings delegated = GuardSettings.load(LocalSettings.read(Path.of("sample-app",
                "local.settings.delegated.json"), Map.of()));

        assertThat(delegated.userCallers()).isTrue();
        assertThat(delegated.policy().requiredScopes()).containsExactly("Orders.Read");
        assertThat(delegated.policy().allowedCallers()).containsAll(sample.policy().allowedCallers())
                .contains(LocalIdentities.ADA.objectId()).hasSize(sample.policy().allowedCallers().size() + 1);
        assertThat(delegated.tenantId()).isEqualTo(sample.tenantId());
        assertThat(delegated.audiences()).isEqualTo(sample.audiences());
    }

    @Test
    void usersAreFoundByNameAndNamedApartFromTheIdentities() {
        assertThat(LocalIdentities.userByName("ada")).contains(LocalIdentities.ADA);
        assertThat(LocalIdentities.userByName("apim")).isEmpty();
        assertThat(LocalIdentities.USERS).extracting(LocalUser::name)
                .doesNotContainAnyElementsOf(LocalIdentities.ALL.stream().map(LocalIdentity::name).toList());
        assertThat(LocalIdentities.USERS).extracting(LocalUser::objectId)
                .doesNotContainAnyElementsOf(LocalIdentities.ALL.stream().map(LocalIdentity::objectId).toList());
    }
}
