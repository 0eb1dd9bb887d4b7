package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.azure.FakeAzure.ScriptResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh for an app that is not the sample: DEPLOY_CODE "staged" deploys the user's staged app by zip deployment,
 * "none" leaves the app's code alone; both put the staged app's functions behind API Management and set up identity,
 * Easy Auth and app settings as for the sample.
 */
class UserAppDeployTest {
    private static final String HOST = "https://callerguard-func-01.azurewebsites.net";

    @TempDir
    Path dir;

    /**
     * An app as mvn package stages one: host.json with its own route prefix, an HTTP function with a route and two
     * methods (written over several lines), one with neither, a timer function, the library in lib/ (when {@code withLibrary}) and the local
     * settings the Maven plugin copies in.
     */
    private Path stagedApp(boolean withLibrary) throws IOException {
        Path app = Files.createDirectories(dir.resolve("orders-app").resolve("target").resolve("azure-functions")
                .resolve("orders-app"));
        Files.writeString(app.resolve("host.json"), """
                {
                  "version": "2.0",
                  "extensions": { "http": { "routePrefix": "v1" } }
                }
                """);
        function(app, "orders", """
                    "route" : "orders/open",
                    "methods" : [
                      "GET",
                      "DELETE"
                    ],
                """);
        function(app, "HttpExample", "");
        Files.createDirectories(app.resolve("cleanup"));
        Files.writeString(app.resolve("cleanup").resolve("function.json"), """
                {
                  "scriptFile" : "../orders-app-1.0-SNAPSHOT.jar",
                  "entryPoint" : "com.example.Cleanup.run",
                  "bindings" : [ {
                    "type" : "timerTrigger",
                    "direction" : "in",
                    "name" : "timer",
                    "schedule" : "0 */5 * * * *"
                  } ]
                }
                """);
        Files.createDirectories(app.resolve("lib"));
        if (withLibrary) {
            Files.write(app.resolve("lib").resolve("callerguard-0.1.0-SNAPSHOT.jar"), new byte[] {'P', 'K'});
        }
        Files.write(app.resolve("lib").resolve("callerguard-devkit-0.1.0-SNAPSHOT.jar"), new byte[] {'P', 'K'});
        Files.writeString(app.resolve("local.settings.json"), "{\"Values\": {\"SECRET_LOOKING\": \"local\"}}");
        return app;
    }

    /** A function.json as azure-functions-maven-plugin 1.37.0 writes it, with {@code httpSettings} in its trigger. */
    private static void function(Path app, String name, String httpSettings) throws IOException {
        Files.createDirectories(app.resolve(name));
        Files.writeString(app.resolve(name).resolve("function.json"), """
                {
                  "scriptFile" : "../orders-app-1.0-SNAPSHOT.jar",
                  "entryPoint" : "com.example.Function.run",
                  "bindings" : [ {
                    "type" : "httpTrigger",
                    "direction" : "in",
                    "name" : "req",
                %s    "authLevel" : "ANONYMOUS"
                  }, {
                    "type" : "http",
                    "direction" : "out",
                    "name" : "$return"
                  } ]
                }
                """.formatted(httpSettings));
    }

    private static ScriptResult deploy(FakeAzure azure, String... overrides) throws IOException, InterruptedException {
        return azure.run("deploy.sh", "--config", azure.config(overrides).toString());
    }

    private static List<String> commands(FakeAzure azure) throws IOException {
        return azure.calls().stream().map(FakeCall::command).toList();
    }

    @Test
    void aStagedAppIsDeployedByZipDeploymentWithoutItsLocalSettingsAndItsFolderStaysAsItWas() throws Exception {
        Path app = stagedApp(true);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "staged", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).as("the sample is neither built nor deployed").doesNotContain("mvn");
        FakeCall jar = azure.only("jar");
        String packaged = jar.option("-C");
        assertThat(packaged).endsWith("/package").isNotEqualTo(app.toString());
        assertThat(result.stdout()).contains("$ cp -R " + app + " " + packaged,
                "$ rm -f " + packaged + "/local.settings.json");
        FakeCall zipDeploy = azure.only("az functionapp deployment source config-zip");
        assertThat(zipDeploy.option("--src")).isEqualTo(jar.option("--file"));
        assertThat(app.resolve("local.settings.json")).as("the user's folder is left as it was").exists();
        List<FakeCall> calls = azure.calls();
        assertThat(calls.indexOf(azure.only("az rest PATCH sites"))).isGreaterThan(calls.indexOf(zipDeploy));
        assertThat(result.stdout()).contains("code                           your staged app " + app);
    }

    @Test
    void apiManagementGetsOneOperationPerHttpFunctionAndMethodUnderTheAppsRoutePrefix() throws Exception {
        Path app = stagedApp(true);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "staged", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.only("az apim api create").option("--service-url")).isEqualTo(HOST + "/v1");
        assertThat(azure.calls().stream().filter(call -> call.command().equals("az apim api operation create"))
                .map(call -> call.option("--operation-id") + " " + call.option("--method") + " "
                        + call.option("--url-template")))
                .containsExactly("httpexample-get GET /HttpExample", "httpexample-post POST /HttpExample",
                        "orders-get GET /orders/open", "orders-delete DELETE /orders/open");
        assertThat(result.stdout()).contains("(subscription key required)", "/callerguard/HttpExample");
    }

    /** Review of the change: the sample's /api/health exclusion would leave that path of any app open. */
    @Test
    void easyAuthLeavesNoPathOfTheUsersAppOpen() throws Exception {
        Path app = stagedApp(true);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "staged", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(azure.only("az rest PUT authsettingsV2").body()).contains("\"excludedPaths\": []")
                .doesNotContain("/api/health");
    }

    /** Review of the change: APIM needs route parameters declared, so such a route stops deploy.sh before it begins. */
    @Test
    void aRouteWithParametersStopsDeployShBeforeAnythingChanges() throws Exception {
        Path app = stagedApp(true);
        function(app, "order", """
                    "route" : "orders/{id:int?}",
                    "methods" : [ "GET" ],
                """);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "staged", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("the route /orders/{id:int?} has parameters");
        assertThat(azure.calls()).as("nothing runs").isEmpty();
    }

    @Test
    void aMethodListThatIsNoMethodStopsDeployShInsteadOfBeingExpanded() throws Exception {
        Path app = stagedApp(true);
        function(app, "any", """
                    "methods" : [ "*" ],
                """);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "staged", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("a function answers method '*'");
        assertThat(azure.calls()).isEmpty();
    }

    @Test
    void noneLeavesTheAppsCodeAloneAndWiresUpEverythingElse() throws Exception {
        Path app = stagedApp(false);
        FakeAzure azure = FakeAzure.empty(dir.resolve("azure"));

        ScriptResult result = deploy(azure, "DEPLOY_CODE", "none", "STAGED_APP_DIR", app.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(commands(azure)).doesNotContain("mvn", "jar", "az functionapp deployment source config-zip")
                .contains("az rest PUT authsettingsV2", "az functionapp config appsettings set",
                        "az rest PATCH sites", "az apim api operation create", "az rest PUT policy");
        assertThat(result.stdout()).contains("DEPLOY_CODE=none: the app's code is left as it is");
        assertThat(result.stderr()).contains("WARNING: DEPLOY_CODE=none: deploy.sh cannot see the code deployed");
    }

    @Test
    void everyProblemWithTheCodeSettingsIsReportedBeforeAnythingRuns() throws Exception {
        Path notStaged = Files.createDirectories(dir.resolve("src"));
        Path withoutLibrary = stagedApp(false);
        List<List<String>> cases = List.of(
                List.of("DEPLOY_CODE", "jar", "DEPLOY_CODE must be \"sample\""),
                List.of("DEPLOY_CODE", "staged", "STAGED_APP_DIR is required with DEPLOY_CODE=\"staged\""),
                List.of("DEPLOY_CODE", "none", "STAGED_APP_DIR is required with DEPLOY_CODE=\"none\""),
                List.of("STAGED_APP_DIR", notStaged.toString(), "STAGED_APP_DIR must be a staged function app"),
                List.of("STAGED_APP_DIR", withoutLibrary.toString(),
                        "STAGED_APP_DIR must hold the CallerGuard library (lib/callerguard-<version>.jar)"));
        int run = 0;
        for (List<String> problem : cases) {
            FakeAzure azure = FakeAzure.empty(dir.resolve("azure-" + run++));
            String code = problem.get(0).equals("DEPLOY_CODE") ? problem.get(1) : "staged";
            String staged = problem.get(0).equals("STAGED_APP_DIR") ? problem.get(1) : "";

            ScriptResult result = deploy(azure, "DEPLOY_CODE", code, "STAGED_APP_DIR", staged, "LOCATION", "West Europe");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.stderr()).as(problem.get(2)).contains(problem.get(2))
                    .as("reported together with the other settings' problems").contains("LOCATION must be");
            assertThat(azure.calls()).as("nothing runs").isEmpty();
        }
    }
}
