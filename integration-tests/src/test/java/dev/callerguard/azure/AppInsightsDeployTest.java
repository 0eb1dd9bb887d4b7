package dev.callerguard.azure;

import static dev.callerguard.azure.FakeAzure.APP_INSIGHTS_CONNECTION;
import static dev.callerguard.azure.FakeAzure.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.azure.FakeAzure.ScriptResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh connects the function app to Application Insights (issue "decisions as OpenTelemetry metrics"): the
 * component APP_INSIGHTS_NAME, created workspace-based with LOG_ANALYTICS_WORKSPACE_NAME when missing, and
 * APPLICATIONINSIGHTS_ENABLE_AGENT=true, without which the Java agent (which records CallerGuard's metrics) exports
 * nothing on Flex Consumption; all in the one app settings call of step 10, the connection string never printed.
 */
class AppInsightsDeployTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RG_PROVIDERS = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/callerguard-rg/providers";

    @TempDir
    Path dir;

    private ScriptResult deploy(FakeAzure azure, String... overrides) throws IOException, InterruptedException {
        return azure.run("deploy.sh", "--config", azure.config(overrides).toString());
    }

    @Test
    void aNewAppGetsAWorkspaceBasedComponentAndTheAgentInTheOneSettingsCall() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.only("az functionapp create").option("--disable-app-insights"))
                .as("az does not create a component of its own in a default resource group").isEqualTo("true");
        FakeCall workspace = azure.only("az rest PUT callerguard-logs");
        FakeCall component = azure.only("az rest PUT callerguard-insights");
        FakeCall settings = azure.only("az functionapp config appsettings set");
        List<FakeCall> calls = azure.calls();
        assertThat(calls.indexOf(workspace)).isLessThan(calls.indexOf(component));
        assertThat(calls.indexOf(component)).isLessThan(calls.indexOf(settings));
        JsonNode workspaceBody = JSON.readTree(workspace.body());
        assertThat(workspaceBody.at("/location").asText()).isEqualTo("westeurope");
        assertThat(workspaceBody.at("/properties/sku/name").asText()).isEqualTo("PerGB2018");
        JsonNode componentBody = JSON.readTree(component.body());
        assertThat(componentBody.at("/kind").asText()).isEqualTo("web");
        assertThat(componentBody.at("/properties/Application_Type").asText()).isEqualTo("web");
        assertThat(componentBody.at("/properties/WorkspaceResourceId").asText())
                .isEqualTo(RG_PROVIDERS + "/Microsoft.OperationalInsights/workspaces/callerguard-logs");
        assertThat(FakeAzure.settingsOf(settings)).containsEntry("APPLICATIONINSIGHTS_ENABLE_AGENT", "true")
                .containsKey("CALLERGUARD_TENANT_ID");
        JsonNode fromFile = JSON.readTree(settings.body());
        assertThat(fromFile).hasSize(1);
        assertThat(fromFile.at("/0/name").asText()).isEqualTo("APPLICATIONINSIGHTS_CONNECTION_STRING");
        assertThat(fromFile.at("/0/value").asText()).isEqualTo(APP_INSIGHTS_CONNECTION);
        assertThat(result.stdout() + result.stderr()).as("the connection string is never printed")
                .doesNotContain(APP_INSIGHTS_CONNECTION).doesNotContain("fa4e0000")
                .contains("creating Log Analytics workspace callerguard-logs",
                        "creating Application Insights callerguard-insights",
                        "connecting callerguard-func-01 to Application Insights callerguard-insights");
        assertThat(String.join(" ", settings.argv())).doesNotContain(APP_INSIGHTS_CONNECTION);
    }

    @Test
    void anExistingComponentIsUsedAndNothingIsCreated() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("app-insights");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).doesNotContain("az rest PUT callerguard-insights", "az rest PUT callerguard-logs",
                "az rest GET callerguard-logs");
        assertThat(result.stdout()).contains("using Application Insights callerguard-insights");
        assertThat(azure.only("az functionapp config appsettings set").body()).contains(APP_INSIGHTS_CONNECTION);
    }

    @Test
    void anExistingWorkspaceIsUsedForANewComponent() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("log-analytics");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).doesNotContain("az rest PUT callerguard-logs").contains("az rest PUT callerguard-insights");
        assertThat(result.stdout()).contains("using Log Analytics workspace callerguard-logs");
    }

    @Test
    void anAppWithItsOwnConnectionStringKeepsItAndGetsTheAgent() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("setting-APPLICATIONINSIGHTS_CONNECTION_STRING", "theirs");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).noneMatch(command -> command.contains("callerguard-insights")
                || command.contains("callerguard-logs"));
        FakeCall settings = azure.only("az functionapp config appsettings set");
        assertThat(FakeAzure.settingsOf(settings)).containsEntry("APPLICATIONINSIGHTS_ENABLE_AGENT", "true")
                .doesNotContainKey("APPLICATIONINSIGHTS_CONNECTION_STRING");
        assertThat(settings.options("--settings")).noneMatch(item -> item.startsWith("@"));
        assertThat(result.stdout()).contains("already sends its telemetry to Application Insights"
                + " (APPLICATIONINSIGHTS_CONNECTION_STRING): kept");
    }

    /** Review of this change: the legacy instrumentation key is the app's monitoring too; a new string would win. */
    @Test
    void anAppWithTheLegacyInstrumentationKeyKeepsIt() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("setting-APPINSIGHTS_INSTRUMENTATIONKEY", "theirs");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).noneMatch(command -> command.contains("callerguard-insights"));
        assertThat(azure.only("az functionapp config appsettings set").options("--settings"))
                .noneMatch(item -> item.startsWith("@"));
        assertThat(result.stdout()).contains("(APPINSIGHTS_INSTRUMENTATIONKEY): kept");
    }

    @Test
    void anOwnersAgentSwitchSetToFalseIsKeptAndItsConsequenceSaid() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("setting-APPLICATIONINSIGHTS_ENABLE_AGENT", "false");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(FakeAzure.settingsOf(azure.only("az functionapp config appsettings set")))
                .doesNotContainKey("APPLICATIONINSIGHTS_ENABLE_AGENT");
        assertThat(result.stderr()).contains("APPLICATIONINSIGHTS_ENABLE_AGENT=false: kept");
    }

    @Test
    void anEmptyNameLeavesTheAppsMonitoringAloneAndSaysWhatThatMeans() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "APP_INSIGHTS_NAME", "");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).noneMatch(command -> command.contains("insights") || command.contains("logs"));
        assertThat(FakeAzure.settingsOf(azure.only("az functionapp config appsettings set")))
                .doesNotContainKey("APPLICATIONINSIGHTS_ENABLE_AGENT");
        assertThat(result.stderr()).contains("APP_INSIGHTS_NAME is empty", "APPLICATIONINSIGHTS_ENABLE_AGENT=true");
    }

    /** ApplicationInsights-Java issue 4712: the agent exports nothing on Flex with identity-based host storage. */
    @Test
    void identityBasedHostStorageIsReportedAsKeepingTheAgentFromExporting() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("setting-AzureWebJobsStorage", "<absent>");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("has no AzureWebJobsStorage setting",
                "github.com/microsoft/ApplicationInsights-Java/issues/4712");
    }

    @Test
    void theHostStorageWarningIsForFlexAppsWithoutAStorageConnectionStringOnly() throws Exception {
        ScriptResult flexWithStorage = deploy(FakeAzure.empty(dir.resolve("flex")));
        ScriptResult consumptionWithout = deploy(FakeAzure.empty(dir.resolve("consumption"))
                .exists("setting-AzureWebJobsStorage", "<absent>"), "HOSTING_PLAN", "consumption");

        assertThat(flexWithStorage.exitCode()).as(flexWithStorage.toString()).isZero();
        assertThat(flexWithStorage.stderr()).doesNotContain("issues/4712");
        assertThat(consumptionWithout.exitCode()).as(consumptionWithout.toString()).isZero();
        assertThat(consumptionWithout.stderr()).doesNotContain("issues/4712");
    }

    @Test
    void aNameThatIsOnlyDotsIsRefused() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "APP_INSIGHTS_NAME", "..");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("APP_INSIGHTS_NAME must be 1-255 letters");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void theWorkspaceNameIsCheckedWithTheOtherSettings() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "LOG_ANALYTICS_WORKSPACE_NAME", "x");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("LOG_ANALYTICS_WORKSPACE_NAME must be 4-63 letters, digits and dashes");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void theDryRunShowsTheBodiesWithPlaceholdersAndNoConnectionString() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = azure.run("deploy.sh", "--dry-run", "--config", FakeAzure.EXAMPLE_CONFIG.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("body of log-analytics-workspace.json", "body of app-insights.json",
                "\"WorkspaceResourceId\": \"<id-of-callerguard-logs>\"",
                "\"value\": \"<connection-string-of-callerguard-insights>\"",
                "APPLICATIONINSIGHTS_ENABLE_AGENT=true");
    }

    private static List<String> commands(FakeAzure azure) throws IOException {
        return azure.calls().stream().map(FakeCall::command).collect(Collectors.toList());
    }
}
