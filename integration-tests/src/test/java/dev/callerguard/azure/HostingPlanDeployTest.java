package dev.callerguard.azure;

import static dev.callerguard.azure.FakeAzure.EXAMPLE_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.azure.FakeAzure.ScriptResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh's hosting settings: Flex Consumption (default) or the legacy Linux Consumption plan, Java 17 or 21, Flex
 * instance memory and scale-out, and EXISTING_FUNCTION_APP (an app of any plan, looked up and never created).
 */
class HostingPlanDeployTest {
    private static final String MIGRATION_DOC =
            "https://learn.microsoft.com/azure/azure-functions/migration/migrate-plan-consumption-to-flex?pivots=platform-linux";
    private static final String EXISTING = "EXISTING_FUNCTION_APP";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // --dry-run of each path

    @Test
    void dryRunOfTheExampleIsFlexConsumptionWithJava17AndNoWarning() throws Exception {
        ScriptResult result = dryRun();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("--flexconsumption-location westeurope --runtime java --runtime-version 17",
                "-DfunctionJavaVersion=17");
        assertThat(result.stdout()).doesNotContain("--consumption-plan-location");
        assertThat(result.stderr()).doesNotContain("WARNING");
    }

    @Test
    void dryRunWithJava21PrintsJava21ForTheAppAndTheCodeDeployment() throws Exception {
        ScriptResult result = dryRun("JAVA_VERSION", "21");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("--flexconsumption-location westeurope --runtime java --runtime-version 21",
                "-DfunctionJavaVersion=21", "hosting                        Flex Consumption plan, linux, Java 21");
        assertThat(result.stdout()).doesNotContain("--runtime-version 17", "-DfunctionJavaVersion=17");
    }

    @Test
    void dryRunWithTheLegacyPlanPrintsTheConsumptionLineAndWarnsWithTheMigrationDoc() throws Exception {
        ScriptResult result = dryRun("HOSTING_PLAN", "consumption", "JAVA_VERSION", "21");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("[dry-run] az functionapp create --name callerguard-func-01"
                + " --resource-group callerguard-rg --storage-account callerguardstore01"
                + " --consumption-plan-location westeurope --os-type Linux --runtime java --runtime-version 21"
                + " --functions-version 4 --assign-identity '[system]' --disable-app-insights true --output none");
        assertThat(result.stdout()).doesNotContain("--flexconsumption-location", "container-rm", "--instance-memory");
        assertThat(result.stderr()).contains("deploy.sh: WARNING: callerguard-func-01 is on the Linux Consumption plan",
                "frozen", "30 September 2025", "retires on 30 September 2028", MIGRATION_DOC);
    }

    @Test
    void dryRunWithAnExistingAppLooksItUpAndCreatesNoAppStorageOrResourceGroup() throws Exception {
        ScriptResult result = dryRun(EXISTING, "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains(
                "[dry-run] az functionapp show --name callerguard-func-01 --resource-group callerguard-rg --query id",
                "[dry-run] az functionapp show --name callerguard-func-01 --resource-group callerguard-rg --query kind",
                "--query properties.sku -o tsv",
                "--query 'appServicePlanId || properties.serverFarmId' -o tsv",
                "[dry-run] az functionapp plan show --ids '<app-service-plan-id>' --query sku.tier -o tsv",
                "using the existing function app callerguard-func-01",
                "STORAGE_ACCOUNT is not used");
        assertThat(result.stdout()).doesNotContain("functionapp create", "group create", "storage account",
                "container-rm");
    }

    @Test
    void flexInstanceMemoryAndMaximumInstanceCountComeFromTheSettings() throws Exception {
        ScriptResult result = dryRun("INSTANCE_MEMORY_MB", "4096", "MAXIMUM_INSTANCE_COUNT", "100");

        assertThat(result.stdout()).contains("--instance-memory 4096 --maximum-instance-count 100");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Against the fake az

    @Test
    void legacyPlanCreatesTheAppWithoutADeploymentContainerAndWarns() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "HOSTING_PLAN", "consumption");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        FakeCall create = azure.only("az functionapp create");
        assertThat(create.option("--consumption-plan-location")).isEqualTo("westeurope");
        assertThat(create.option("--os-type")).isEqualTo("Linux");
        assertThat(create.option("--functions-version")).isEqualTo("4");
        assertThat(create.option("--runtime-version")).isEqualTo("17");
        assertThat(create.option("--assign-identity")).isEqualTo("[system]");
        assertThat(commands(azure)).doesNotContain("az storage container-rm exists", "az storage container-rm create");
        assertThat(result.stderr()).contains("Linux Consumption plan", MIGRATION_DOC);
    }

    @Test
    void existingFlexAppIsUsedAsItIsAndOnlyWiredUp() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("FlexConsumption", "functionapp,linux");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).doesNotContain("az group create", "az storage account show",
                "az storage account create", "az storage container-rm create", "az functionapp create",
                "az functionapp plan show", "az functionapp identity assign");
        assertThat(commands(azure)).contains("az rest PUT authsettingsV2", "az functionapp config appsettings set",
                "az rest PATCH sites", "az rest PUT policy");
        assertThat(result.stdout()).contains("using the existing function app callerguard-func-01"
                + " (Flex Consumption plan, linux); it is never created or moved here", "it runs Java 17");
        assertThat(result.stderr()).doesNotContain("WARNING");
    }

    @Test
    void existingAppGetsTheStagedPackageByZipDeploymentNotByTheMavenPluginThatWouldReconfigureIt()
            throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("FlexConsumption", "functionapp,linux");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<FakeCall> mvn = azure.calls().stream().filter(call -> call.command().equals("mvn")).toList();
        assertThat(mvn).hasSize(2);
        assertThat(mvn.get(0).argv()).contains("install");
        assertThat(mvn.get(1).argv()).containsExactly("mvn",
                "cwd=" + FakeAzure.SCRIPTS.getParent().getParent().resolve("sample-app"), "-B", "package",
                "-DfunctionAppName=callerguard-func-01");
        FakeCall jar = azure.only("jar");
        String zip = jar.option("--file");
        assertThat(jar.argv()).contains("--create", "--no-manifest");
        assertThat(jar.option("-C")).isEqualTo(FakeAzure.SCRIPTS.getParent().getParent()
                .resolve("sample-app/target/azure-functions/callerguard-func-01").toString());
        assertThat(result.stdout()).as("local settings are not packaged, as the Maven plugin leaves them out")
                .contains("$ rm -f " + jar.option("-C") + "/local.settings.json");
        FakeCall zipDeploy = azure.only("az functionapp deployment source config-zip");
        assertThat(zipDeploy.option("--src")).isEqualTo(zip).endsWith("callerguard-func-01.zip");
        assertThat(zipDeploy.option("--name")).isEqualTo("callerguard-func-01");
        List<FakeCall> calls = azure.calls();
        assertThat(calls.indexOf(mvn)).isLessThan(calls.indexOf(jar));
        assertThat(calls.indexOf(jar)).isLessThan(calls.indexOf(zipDeploy));
        assertThat(calls.indexOf(zipDeploy)).isLessThan(calls.indexOf(azure.only("az rest PATCH sites")));
    }

    @Test
    void existingAppIsWiredUpExactlyAsANewOne() throws Exception {
        // The app roles exist in both, so that both send the same role ids (new ones are random).
        FakeAzure created = FakeAzure.empty(dir.resolve("new")).exists("app-roles");
        FakeAzure existing = FakeAzure.empty(dir.resolve("existing")).exists("app-roles").exists("group")
                .functionApp("Dynamic", "functionapp,linux");

        deploy(created);
        deploy(existing, EXISTING, "true");

        for (String command : List.of("az rest PUT authsettingsV2", "az rest PATCH applications",
                "az rest PATCH servicePrincipals", "az rest POST appRoleAssignedTo", "az rest PATCH sites",
                "az rest PUT policy")) {
            assertThat(existing.only(command).body()).as(command).isEqualTo(created.only(command).body());
        }
        assertThat(FakeAzure.settingsOf(existing.only("az functionapp config appsettings set")))
                .isEqualTo(FakeAzure.settingsOf(created.only("az functionapp config appsettings set")));
        assertThat(existing.only("az functionapp config appsettings set").body())
                .isEqualTo(created.only("az functionapp config appsettings set").body());
    }

    @Test
    void existingAppThatDoesNotRunJava17Or21StopsBeforeItIsWiredUp() throws Exception {
        for (String[] app : List.of(new String[] {"FlexConsumption", "functionapp,linux", "python 3.11"},
                new String[] {"Dynamic", "functionapp,linux", "java 11"},
                new String[] {"Standard", "functionapp", "dotnet-isolated 8.0"})) {
            FakeAzure azure = FakeAzure.empty(dir.resolve(app[0] + app[1])).exists("group")
                    .functionApp(app[0], app[1]).exists("functionapp-runtime", app[2]);

            ScriptResult result = deploy(azure, EXISTING, "true");

            assertThat(result.exitCode()).as(String.join(" ", app)).isNotZero();
            assertThat(result.stderr()).as(String.join(" ", app)).contains(
                    "EXISTING_FUNCTION_APP=true, but callerguard-func-01 does not run Java 17 or 21",
                    "Set the app's runtime to Java 17 or 21");
            assertThat(result.stdout()).as(String.join(" ", app)).doesNotContain("==> 5/12");
            assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
        }
    }

    @Test
    void existingAppOnLinuxConsumptionIsReportedFromItsPlanAndWarnedAbout() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("Dynamic", "functionapp,linux");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.only("az functionapp plan show").option("--ids"))
                .endsWith("/providers/Microsoft.Web/serverfarms/plan-of-callerguard-func-01");
        assertThat(result.stdout()).contains("(Consumption plan, linux)",
                "note: HOSTING_PLAN=flex applies only to a function app created here; this one stays as it is");
        assertThat(result.stderr()).contains("Linux Consumption plan", MIGRATION_DOC);
        assertThat(commands(azure)).doesNotContain("az functionapp create");
    }

    @Test
    void existingAppThatCannotTakeCallerGuardsPackageStopsBeforeItIsWiredUpAndPrintsNoSettingValueItDidNotNeed()
            throws Exception {
        String sasUrl = "https://store.blob.core.windows.net/releases/app.zip?sv=2024&sig=SECRET-SIGNATURE";
        List<String[]> cases = List.of(
                new String[] {"Standard", "setting-FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated",
                    "has FUNCTIONS_WORKER_RUNTIME='dotnet-isolated': CallerGuard's package needs \"java\""},
                new String[] {"ElasticPremium", "setting-FUNCTIONS_EXTENSION_VERSION", "~3",
                    "has FUNCTIONS_EXTENSION_VERSION='~3': CallerGuard's package needs \"~4\""},
                new String[] {"Standard", "setting-WEBSITE_RUN_FROM_PACKAGE", sasUrl,
                    "runs from a package URL (WEBSITE_RUN_FROM_PACKAGE): a zip deployment is refused then"},
                new String[] {"Dynamic", "setting-AzureWebJobsStorage", "<absent>",
                    "has no AzureWebJobsStorage connection string"});
        for (String[] app : cases) {
            FakeAzure azure = FakeAzure.empty(dir.resolve(app[1])).exists("group")
                    .functionApp(app[0], "functionapp,linux").exists(app[1], app[2]);

            ScriptResult result = deploy(azure, EXISTING, "true");

            assertThat(result.exitCode()).as(app[1]).isNotZero();
            assertThat(result.stderr()).as(app[1]).contains("EXISTING_FUNCTION_APP=true, but callerguard-func-01 "
                    + app[3]);
            assertThat(result.stdout()).as(app[1]).doesNotContain("==> 5/12");
            assertThat(result.stdout() + result.stderr()).as(app[1]).doesNotContain("SECRET-SIGNATURE", "AccountKey");
            assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
        }
    }

    @Test
    void theStagingDirectoryIsEmptiedBeforeEachBuildSoThatNothingStaleIsDeployed() throws Exception {
        String staged = FakeAzure.SCRIPTS.getParent().getParent()
                .resolve("sample-app/target/azure-functions/callerguard-func-01").toString();
        for (String existing : List.of("false", "true")) {
            FakeAzure azure = FakeAzure.empty(dir.resolve(existing)).exists("group")
                    .functionApp("FlexConsumption", "functionapp,linux");

            ScriptResult result = deploy(azure, EXISTING, existing);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).as(existing).containsSubsequence("$ rm -rf " + staged, "$ (cd ",
                    " && mvn -B package");
        }
    }

    @Test
    void theZipDeploymentHasATimeLimitBecauseAz274PollsAFlexHostWithoutEnd() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("FlexConsumption", "functionapp,linux");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.stdout()).contains("$ timeout 900 az functionapp deployment source config-zip");
    }

    @Test
    void existingWindowsAppOnElasticPremiumKeepsItsJavaVersion() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("ElasticPremium", "functionapp")
                .exists("functionapp-runtime", "java 17");

        ScriptResult result = deploy(azure, EXISTING, "true", "JAVA_VERSION", "21");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("(Elastic Premium plan, windows)", "it runs Java 17",
                "note: JAVA_VERSION=21 applies only to a function app created here; this one keeps Java 17",
                "hosting                        Elastic Premium plan, windows, Java 17");
        assertThat(azure.only("az functionapp config show").option("--query")).isEqualTo("linuxFxVersion || javaVersion");
        assertThat(result.stderr()).as("only Linux Consumption is frozen").doesNotContain("WARNING");
    }

    @Test
    void existingFlexAppOnJava21IsReportedSo() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("FlexConsumption", "functionapp,linux")
                .exists("functionapp-runtime", "java 21");

        ScriptResult result = deploy(azure, EXISTING, "true", "JAVA_VERSION", "21");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("it runs Java 21").doesNotContain("keeps Java");
    }

    @Test
    void existingAppOnAnAppServicePlanIsReportedWithItsTier() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group").functionApp("PremiumV3", "functionapp,linux");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("(App Service plan (tier PremiumV3), linux)");
    }

    @Test
    void existingAppThatIsNotFoundStopsBeforeAnythingIsCreated() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir).exists("group");

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("EXISTING_FUNCTION_APP=true, but there is no function app"
                + " callerguard-func-01 in resource group callerguard-rg", "set EXISTING_FUNCTION_APP=false");
        assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
        assertThat(result.stdout()).doesNotContain("==> 5/12");
    }

    @Test
    void existingAppInAResourceGroupThatDoesNotExistStopsWithoutCreatingTheGroup() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, EXISTING, "true");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("the resource group callerguard-rg does not exist");
        assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
    }

    @Test
    void rerunOnAnAppOfAnotherPlanKeepsItAndSaysSo() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).functionApp("Dynamic", "functionapp,linux");

        ScriptResult result = deploy(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("reusing function app callerguard-func-01 (Consumption plan, linux)",
                "note: HOSTING_PLAN=flex applies only to a function app created here");
        assertThat(azure.calls()).noneMatch(FakeCall::isCreate);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Settings

    @Test
    void invalidHostingSettingsAreReportedWithTheOthersAtOnceAndNothingRuns() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = deploy(azure, "HOSTING_PLAN", "premium", "JAVA_VERSION", "11", "INSTANCE_MEMORY_MB",
                "1024", "MAXIMUM_INSTANCE_COUNT", "5", EXISTING, "yes", "STORAGE_ACCOUNT", "Not_Valid");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains(
                "EXISTING_FUNCTION_APP must be \"true\" (use the function app FUNCTION_APP_NAME that exists) or \"false\"",
                "STORAGE_ACCOUNT must be 3-24 lower-case letters and digits",
                "HOSTING_PLAN must be \"flex\" (Flex Consumption) or \"consumption\"",
                "JAVA_VERSION must be \"17\" or \"21\"",
                "INSTANCE_MEMORY_MB must be \"512\", \"2048\" or \"4096\"",
                "MAXIMUM_INSTANCE_COUNT must be a whole number from 40 to 1000");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void maximumInstanceCountAcceptsItsBoundsAndRefusesWhatIsOutsideOrNotANumber() throws Exception {
        for (String good : List.of("40", "1000")) {
            assertThat(dryRun("MAXIMUM_INSTANCE_COUNT", good).exitCode()).as(good).isZero();
        }
        for (String bad : List.of("39", "1001", "040", "4e1", "40 ", "forty", "")) {
            ScriptResult result = dryRun("MAXIMUM_INSTANCE_COUNT", bad);
            assertThat(result.exitCode()).as(bad).isNotZero();
            assertThat(result.stderr()).as(bad).contains("MAXIMUM_INSTANCE_COUNT must be a whole number");
        }
    }

    @Test
    void anExistingAppNeedsNoStorageAccountSetting() throws Exception {
        ScriptResult result = dryRun(EXISTING, "true", "STORAGE_ACCOUNT", "");

        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------

    private ScriptResult dryRun(String... overrides) throws IOException, InterruptedException {
        FakeAzure azure = FakeAzure.empty(dir.resolve("dry-run-" + System.nanoTime()));
        ScriptResult result = azure.run("deploy.sh", "--dry-run", "--config",
                overrides.length == 0 ? EXAMPLE_CONFIG.toString() : azure.config(overrides).toString());
        assertThat(azure.calls()).as("nothing may run in a dry run").isEmpty();
        return result;
    }

    private ScriptResult deploy(FakeAzure azure, String... overrides) throws IOException, InterruptedException {
        return azure.run("deploy.sh", "--config", azure.config(overrides).toString());
    }

    private static List<String> commands(FakeAzure azure) throws IOException {
        return azure.calls().stream().map(FakeCall::command).collect(Collectors.toList());
    }

}
