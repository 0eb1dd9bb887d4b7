package dev.callerguard.azure;

import static dev.callerguard.azure.FakeAzure.APIM_CLIENT_ID;
import static dev.callerguard.azure.FakeAzure.APIM_PRINCIPAL_ID;
import static dev.callerguard.azure.FakeAzure.CLIENT_ID;
import static dev.callerguard.azure.FakeAzure.FUNCTION_IDENTITY_CLIENT_ID;
import static dev.callerguard.azure.FakeAzure.FUNCTION_PRINCIPAL_ID;
import static dev.callerguard.azure.FakeAzure.FUNCTION_SP_ID;
import static dev.callerguard.azure.FakeAzure.INVOKE_ROLE_ID;
import static dev.callerguard.azure.FakeAzure.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.azure.FakeAzure.ScriptResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy.sh with ADDITIONAL_CALLERS and ALLOW_RELAY: every caller gets all three layers, and keeps them on reruns. */
class AdditionalCallersDeployTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALLER_A = "11111111-aaaa-4000-8000-000000000001";
    private static final String CALLER_A_CLIENT = "c1110000-0000-4000-8000-000000000001";
    private static final String CALLER_B = "22222222-bbbb-4000-8000-000000000002";
    private static final String CALLER_B_CLIENT = "c2220000-0000-4000-8000-000000000002";
    /** Two callers, upper case and comma + space separated, B listed twice: normalised and deduplicated. */
    private static final String[] TWO_CALLERS_AND_RELAY = {
        "ADDITIONAL_CALLERS", CALLER_A + ", " + CALLER_B.toUpperCase() + " " + CALLER_A, "ALLOW_RELAY", "true"};
    private static final List<String> ALL_OBJECT_IDS =
            List.of(APIM_PRINCIPAL_ID, CALLER_A, CALLER_B, FUNCTION_PRINCIPAL_ID);
    private static final List<String> ALL_CLIENT_IDS =
            List.of(APIM_CLIENT_ID, CALLER_A_CLIENT, CALLER_B_CLIENT, FUNCTION_IDENTITY_CLIENT_ID);

    @TempDir
    Path dir;

    @Test
    void easyAuthAllowsApimThenEachAdditionalCallerThenTheAppsOwnIdentity() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.empty(dir));

        ScriptResult result = deploy(azure, TWO_CALLERS_AND_RELAY);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode policy = JSON.readTree(azure.only("az rest PUT authsettingsV2").body())
                .at("/properties/identityProviders/azureActiveDirectory/validation/defaultAuthorizationPolicy");
        assertThat(texts(policy.at("/allowedPrincipals/identities"))).containsExactlyElementsOf(ALL_OBJECT_IDS);
        assertThat(texts(policy.at("/allowedApplications"))).containsExactlyElementsOf(ALL_CLIENT_IDS);
        List<String> clientIdLookups = azure.calls().stream().filter(call -> call.command().equals("az ad sp show")
                && "appId".equals(call.option("--query"))).map(call -> call.option("--id")).collect(Collectors.toList());
        assertThat(clientIdLookups).containsExactly(CALLER_A, CALLER_B, FUNCTION_PRINCIPAL_ID, APIM_PRINCIPAL_ID);
    }

    @Test
    void eachCallerIsAssignedFunctionInvokeOnceFromScratch() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.empty(dir));

        deploy(azure, TWO_CALLERS_AND_RELAY);

        List<FakeCall> posts = calls(azure, "az rest POST appRoleAssignedTo");
        assertThat(posts).hasSize(4);
        List<String> principals = new ArrayList<>();
        for (FakeCall post : posts) {
            assertThat(post.option("--uri")).isEqualTo(
                    "https://graph.microsoft.com/v1.0/servicePrincipals/" + FUNCTION_SP_ID + "/appRoleAssignedTo");
            JsonNode assignment = JSON.readTree(post.body());
            assertThat(fieldNames(assignment)).containsExactlyInAnyOrder("principalId", "resourceId", "appRoleId");
            assertThat(assignment.get("resourceId").asText()).isEqualTo(FUNCTION_SP_ID);
            assertThat(assignment.get("appRoleId").asText()).isEqualTo(roleIdSent(azure));
            principals.add(assignment.get("principalId").asText());
        }
        assertThat(principals).containsExactlyElementsOf(ALL_OBJECT_IDS);
        List<String> lookedUp = calls(azure, "az rest GET appRoleAssignedTo").stream()
                .map(call -> call.option("--query")).collect(Collectors.toList());
        assertThat(lookedUp).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(lookedUp.get(i)).contains("principalId=='" + ALL_OBJECT_IDS.get(i) + "'", roleIdSent(azure));
        }
    }

    @Test
    void onlyCallersNotYetAssignedArePosted() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.deployed(dir)).assigned(CALLER_A);

        ScriptResult result = deploy(azure, TWO_CALLERS_AND_RELAY);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> principals = new ArrayList<>();
        for (FakeCall post : calls(azure, "az rest POST appRoleAssignedTo")) {
            JsonNode assignment = JSON.readTree(post.body());
            assertThat(assignment.get("appRoleId").asText()).isEqualTo(INVOKE_ROLE_ID);
            principals.add(assignment.get("principalId").asText());
        }
        assertThat(principals).containsExactly(CALLER_B, FUNCTION_PRINCIPAL_ID);
        assertThat(result.stdout()).contains("reusing the assignment of Function.Invoke to " + APIM_PRINCIPAL_ID,
                "reusing the assignment of Function.Invoke to " + CALLER_A,
                "assigning Function.Invoke to additional caller " + CALLER_B,
                "assigning Function.Invoke to the function app's own identity (ALLOW_RELAY) " + FUNCTION_PRINCIPAL_ID);
    }

    @Test
    void rerunWhenEveryCallerIsAssignedPostsNothingAndCreatesNothing() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.deployed(dir))
                .assigned(CALLER_A).assigned(CALLER_B).assigned(FUNCTION_PRINCIPAL_ID);

        ScriptResult result = deploy(azure, TWO_CALLERS_AND_RELAY);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
        assertThat(calls(azure, "az rest GET appRoleAssignedTo")).hasSize(4);
        // The two layers that are re-applied on every run still name every caller.
        JsonNode policy = JSON.readTree(azure.only("az rest PUT authsettingsV2").body())
                .at("/properties/identityProviders/azureActiveDirectory/validation/defaultAuthorizationPolicy");
        assertThat(texts(policy.at("/allowedPrincipals/identities"))).containsExactlyElementsOf(ALL_OBJECT_IDS);
        assertThat(appSettings(azure).get("CALLERGUARD_ALLOWED_CALLERS")).isEqualTo(String.join(",", ALL_OBJECT_IDS));
    }

    @Test
    void secondRunAfterADeploymentFromScratchWithCallersPostsNothing() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.empty(dir));
        deploy(azure, TWO_CALLERS_AND_RELAY);
        int firstRun = azure.calls().size();

        ScriptResult second = deploy(azure, TWO_CALLERS_AND_RELAY);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(azure.calls().subList(firstRun, azure.calls().size())).noneMatch(FakeCall::isCreate);
    }

    @Test
    void appSettingsListEveryCallerApimFirstAndTheRelayResource() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.empty(dir));

        deploy(azure, TWO_CALLERS_AND_RELAY);

        assertThat(appSettings(azure)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "CALLERGUARD_TENANT_ID", TENANT,
                "CALLERGUARD_AUDIENCES", "api://" + CLIENT_ID + "," + CLIENT_ID,
                "CALLERGUARD_ALLOWED_CALLERS", APIM_PRINCIPAL_ID + "," + CALLER_A + "," + CALLER_B + ","
                        + FUNCTION_PRINCIPAL_ID,
                "CALLERGUARD_REQUIRED_ROLES", "Function.Invoke",
                "CALLERGUARD_EASY_AUTH", "required",
                "CALLERGUARD_RELAY_RESOURCE", "api://" + CLIENT_ID,
                "APPLICATIONINSIGHTS_ENABLE_AGENT", "true"));
    }

    @Test
    void additionalCallersWithoutRelayLeaveTheAppsIdentityOut() throws Exception {
        FakeAzure azure = withCallers(FakeAzure.empty(dir));

        ScriptResult result = deploy(azure, "ADDITIONAL_CALLERS", CALLER_B);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(appSettings(azure)).containsEntry("CALLERGUARD_ALLOWED_CALLERS", APIM_PRINCIPAL_ID + "," + CALLER_B)
                .doesNotContainKey("CALLERGUARD_RELAY_RESOURCE");
        JsonNode policy = JSON.readTree(azure.only("az rest PUT authsettingsV2").body())
                .at("/properties/identityProviders/azureActiveDirectory/validation/defaultAuthorizationPolicy");
        assertThat(texts(policy.at("/allowedApplications"))).containsExactly(APIM_CLIENT_ID, CALLER_B_CLIENT);
        assertThat(azure.calls()).noneMatch(call -> FUNCTION_PRINCIPAL_ID.equals(call.option("--id")));
    }

    @Test
    void relayAloneAddsOnlyTheAppsOwnIdentity() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "ALLOW_RELAY", "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(appSettings(azure)).containsEntry("CALLERGUARD_ALLOWED_CALLERS",
                APIM_PRINCIPAL_ID + "," + FUNCTION_PRINCIPAL_ID).containsEntry("CALLERGUARD_RELAY_RESOURCE",
                "api://" + CLIENT_ID);
        JsonNode policy = JSON.readTree(azure.only("az rest PUT authsettingsV2").body())
                .at("/properties/identityProviders/azureActiveDirectory/validation/defaultAuthorizationPolicy");
        assertThat(texts(policy.at("/allowedPrincipals/identities")))
                .containsExactly(APIM_PRINCIPAL_ID, FUNCTION_PRINCIPAL_ID);
        assertThat(texts(policy.at("/allowedApplications"))).containsExactly(APIM_CLIENT_ID, FUNCTION_IDENTITY_CLIENT_ID);
    }

    @Test
    void dryRunShowsTheCallersWithPlaceholders() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = azure.run("deploy.sh", "--dry-run", "--config",
                azure.config(TWO_CALLERS_AND_RELAY).toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.calls()).isEmpty();
        assertThat(result.stdout()).containsSubsequence(
                "==> 1/12 Azure account: tenant, subscription and additional callers",
                "[dry-run] az ad sp show --id " + CALLER_A + " --query appId -o tsv",
                "[dry-run] az ad sp show --id " + CALLER_B + " --query appId -o tsv",
                "[dry-run] az ad sp show --id '<function-app-identity-object-id>' --query appId -o tsv",
                "\"identities\": [\"<apim-identity-object-id>\", \"" + CALLER_A + "\", \"" + CALLER_B
                        + "\", \"<function-app-identity-object-id>\"]",
                "\"allowedApplications\": [\"<apim-identity-client-id>\", \"<client-id-of-" + CALLER_A
                        + ">\", \"<client-id-of-" + CALLER_B + ">\", \"<function-app-identity-client-id>\"]",
                "==> 9/12 App role Function.Invoke for API Management's identity and the additional callers",
                "\"principalId\": \"<apim-identity-object-id>\"",
                "\"principalId\": \"" + CALLER_A + "\"",
                "\"principalId\": \"" + CALLER_B + "\"",
                "\"principalId\": \"<function-app-identity-object-id>\"",
                "'CALLERGUARD_ALLOWED_CALLERS=<apim-identity-object-id>," + CALLER_A + "," + CALLER_B
                        + ",<function-app-identity-object-id>'",
                "'CALLERGUARD_RELAY_RESOURCE=api://<function-client-id>'",
                "Dry run finished");
    }

    @Test
    void nonGuidCallersFailAtConfigLoadNamingTheSettingAndNothingRuns() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "ADDITIONAL_CALLERS", CALLER_A + ",my-app " + CALLER_B + "x",
                "ALLOW_RELAY", "yes", "STORAGE_ACCOUNT", "Not_Valid");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("ADDITIONAL_CALLERS must be object ids (GUIDs",
                "not an object id: \"my-app\" \"" + CALLER_B + "x\"", "ALLOW_RELAY must be \"true\" or \"false\"",
                "STORAGE_ACCOUNT must be 3-24 lower-case letters and digits");
        assertThat(result.stderr()).doesNotContain("\"" + CALLER_A + "\"");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void verifyRefusesTheSameBadSetting() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir);

        ScriptResult result = azure.run("verify.sh", "--config",
                azure.config("ADDITIONAL_CALLERS", "not-a-guid").toString());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("ADDITIONAL_CALLERS must be object ids");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void missingServicePrincipalStopsTheScriptBeforeAnythingIsCreated() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).servicePrincipal(CALLER_A, CALLER_A_CLIENT);

        ScriptResult result = deploy(azure, "ADDITIONAL_CALLERS", CALLER_A + " " + CALLER_B);

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.stderr()).contains("deploy.sh: ERROR: ADDITIONAL_CALLERS: no service principal or managed"
                + " identity with object id " + CALLER_B + " in tenant " + TENANT);
        List<FakeCall> calls = azure.calls();
        assertThat(calls.get(calls.size() - 1).argv())
                .containsExactly("az", "ad", "sp", "show", "--id", CALLER_B, "--query", "appId", "-o", "tsv");
        assertThat(calls).noneMatch(FakeCall::isCreate);
        assertThat(result.stdout()).doesNotContain("==> 2/12");
    }

    @Test
    void clientIdGivenInsteadOfObjectIdStops() throws Exception {
        // az ad sp show --id also accepts a client id; then the appId it answers is the id itself.
        FakeAzure azure = FakeAzure.empty(dir).servicePrincipal(CALLER_A_CLIENT, CALLER_A_CLIENT);

        ScriptResult result = deploy(azure, "ADDITIONAL_CALLERS", CALLER_A_CLIENT);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains(CALLER_A_CLIENT + " is the client id (appId) of a service principal,"
                + " not its object id");
        assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
    }

    @Test
    void apimListedAsAdditionalCallerIsNotAddedTwice() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).servicePrincipal(APIM_PRINCIPAL_ID, APIM_CLIENT_ID);

        ScriptResult result = deploy(azure, "ADDITIONAL_CALLERS", APIM_PRINCIPAL_ID);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(appSettings(azure)).containsEntry("CALLERGUARD_ALLOWED_CALLERS", APIM_PRINCIPAL_ID);
        assertThat(calls(azure, "az rest POST appRoleAssignedTo")).hasSize(1);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static FakeAzure withCallers(FakeAzure azure) throws IOException {
        return azure.servicePrincipal(CALLER_A, CALLER_A_CLIENT).servicePrincipal(CALLER_B, CALLER_B_CLIENT);
    }

    private ScriptResult deploy(FakeAzure azure, String... overrides) throws IOException, InterruptedException {
        return azure.run("deploy.sh", "--config", azure.config(overrides).toString());
    }

    private static List<FakeCall> calls(FakeAzure azure, String command) throws IOException {
        return azure.calls().stream().filter(call -> call.command().equals(command)).collect(Collectors.toList());
    }


    /** The Function.Invoke role id of the app registration PATCH. */
    private static String roleIdSent(FakeAzure azure) throws IOException {
        for (JsonNode role : JSON.readTree(azure.only("az rest PATCH applications").body()).get("appRoles")) {
            if (role.get("value").asText().equals("Function.Invoke")) {
                return role.get("id").asText();
            }
        }
        throw new AssertionError("no Function.Invoke role");
    }

    private static Map<String, String> appSettings(FakeAzure azure) throws IOException {
        return FakeAzure.settingsOf(azure.only("az functionapp config appsettings set"));
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as(array + " is an array").isTrue();
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
