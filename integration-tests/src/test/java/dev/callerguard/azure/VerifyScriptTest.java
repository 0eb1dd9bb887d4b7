package dev.callerguard.azure;

import static dev.callerguard.azure.FakeAzure.APIM_KEY;
import static dev.callerguard.azure.FakeAzure.APIM_PRINCIPAL_ID;
import static dev.callerguard.azure.FakeAzure.CLIENT_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.azure.FakeAzure.ScriptResult;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/azure/verify.sh against the fake az and the fake curl answering as a correct (or broken) deployment. */
class VerifyScriptTest {
    private static final String TABLE_HEADER = "CHECK                      EXPECTED";

    @TempDir
    Path dir;

    @Test
    void passesEveryCheckAgainstACorrectDeployment() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir);

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains(TABLE_HEADER, "all 6 checks passed");
        assertThat(row(result, "anonymous /api/hello")).contains("401 + WWW-Authenticate (Bearer)").endsWith("PASS");
        assertThat(row(result, "forged principal /api/whoami")).contains("401 + WWW-Authenticate").endsWith("PASS");
        assertThat(row(result, "user token /api/hello")).contains("token issued, call 403", "PASS");
        assertThat(row(result, "APIM /callerguard/whoami"))
                .contains("200, objectId " + APIM_PRINCIPAL_ID, "PASS");
        assertThat(row(result, "anonymous /api/health")).endsWith("PASS");
    }

    @Test
    void callsTheFunctionDirectlyAndThroughApimWithTheMasterSubscriptionKey() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir);

        verify(azure);

        List<FakeCall> curls = azure.calls().stream().filter(call -> call.program().equals("curl"))
                .collect(Collectors.toList());
        assertThat(curls).extracting(call -> call.argv().stream().filter(arg -> arg.startsWith("https://"))
                .findFirst().orElseThrow()).containsExactly(
                "https://callerguard-func-01.azurewebsites.net/api/hello",
                "https://callerguard-func-01.azurewebsites.net/api/whoami",
                "https://callerguard-func-01.azurewebsites.net/api/hello",
                "https://callerguard-apim-01.azure-api.net/callerguard/whoami",
                "https://callerguard-apim-01.azure-api.net/callerguard/whoami",
                "https://callerguard-func-01.azurewebsites.net/api/health");
        assertThat(curls.get(0).argv()).noneMatch(arg -> arg.startsWith("header:"));
        assertThat(curls.get(1).argv()).contains("header:X-MS-CLIENT-PRINCIPAL").doesNotContain("header:Authorization");
        assertThat(curls.get(2).argv()).contains("header:Authorization");
        assertThat(curls.get(3).argv()).as("first without a key").noneMatch(arg -> arg.startsWith("header:"));
        assertThat(curls.get(4).argv()).contains("header:Ocp-Apim-Subscription-Key");
        assertThat(curls).allSatisfy(call -> assertThat(String.join(" ", call.argv()))
                .as("secrets stay off command lines").doesNotContain(APIM_KEY, "fake-user-token"));
        FakeCall token = azure.calls().stream().filter(call -> call.command().equals("az account get-access-token"))
                .findFirst().orElseThrow();
        assertThat(token.option("--resource")).isEqualTo("api://" + CLIENT_ID);
        FakeCall secrets = azure.calls().stream().filter(call -> call.command().equals("az rest POST listSecrets"))
                .findFirst().orElseThrow();
        assertThat(secrets.option("--uri")).endsWith(
                "/resourceGroups/callerguard-rg/providers/Microsoft.ApiManagement/service/callerguard-apim-01"
                        + "/subscriptions/master/listSecrets?api-version=2022-08-01");
    }

    @Test
    void failsWhenTheAnonymousCallGets200() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("anon-status", "200");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "anonymous /api/hello")).contains("200 + WWW-Authenticate (Bearer)").endsWith("FAIL");
        assertThat(result.stdout()).contains("1 of 6 checks FAILED");
    }

    @Test
    void failsWhenThe401HasNoChallenge() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("anon-no-challenge", "");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "anonymous /api/hello")).contains("401, no WWW-Authenticate").endsWith("FAIL");
    }

    @Test
    void failsWhenAForgedPrincipalHeaderReachesTheFunction() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("forged-status", "200");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "forged principal /api/whoami")).contains("200").endsWith("FAIL");
        assertThat(result.stdout()).contains("1 of 6 checks FAILED");
    }

    @Test
    void failsWhenTheAnonymousCallIsRefusedByCallerGuardInsteadOfEasyAuth() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("anon-challenge", callerGuardsChallengeWithoutCredentials());

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "anonymous /api/hello")).contains("from CallerGuard: no Easy Auth").endsWith("FAIL");
    }

    @Test
    void failsWhenTheForgedPrincipalIsRefusedByCallerGuardInsteadOfEasyAuth() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("forged-challenge", callerGuardsChallengeWithoutCredentials());

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "forged principal /api/whoami")).contains("401 from CallerGuard").endsWith("FAIL");
    }

    @Test
    void failsWhenTheForgedPrincipalsRefusalHasNoChallenge() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("forged-challenge", "");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "forged principal /api/whoami")).contains("401, no WWW-Authenticate").endsWith("FAIL");
    }

    @Test
    void failsWhenTheForgedPrincipalGetsA403() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("forged-status", "403");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "forged principal /api/whoami")).endsWith("FAIL");
    }

    @Test
    void theForgedPrincipalIsOneCallerGuardWouldAcceptWereEasyAuthNotInFront() throws Exception {
        // The app settings deploy.sh sets, from a deployment with the same fake, then verify.sh against it.
        FakeAzure azure = FakeAzure.empty(dir);
        assertThat(azure.run("deploy.sh", "--config", FakeAzure.EXAMPLE_CONFIG.toString()).exitCode()).isZero();
        FakeCall appSettings = azure.calls().stream()
                .filter(call -> call.command().equals("az functionapp config appsettings set")).findFirst().orElseThrow();
        verify(azure);
        String forged = Files.readString(azure.state.resolve("client-principal"));
        assertThat(String.join(" ", azure.calls().stream().map(call -> String.join(" ", call.argv()))
                .collect(Collectors.toList()))).as("the header value stays off command lines").doesNotContain(forged);

        try (GuardedApp app = new GuardedApp()) {
            app.settings.putAll(FakeAzure.settingsOf(appSettings));
            assertThat(app.settings).containsEntry(GuardSettings.EASY_AUTH, "required");
            // What the platform sets when Easy Auth is on.
            app.settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
            HttpResponseMessage response = app.guard().handle(
                    TestHttpRequest.get("/api/whoami").header("x-ms-client-principal", forged),
                    new TestContext("whoami"), caller -> TestHttpRequest.get("/").createResponseBuilder(HttpStatus.OK)
                            .body(caller.objectId()).build());

            assertThat(response.getStatusCode()).as("a header only Easy Auth may send decides the call").isEqualTo(200);
        }
    }

    @Test
    void userTokenRefusedByEntraCountsAsRefused() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).exists("user-token-refused");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(row(result, "user token /api/hello")).contains("no token: AADSTS65001").endsWith("PASS");
        assertThat(azure.calls()).filteredOn(call -> call.program().equals("curl")).hasSize(5);
    }

    @Test
    void failsWhenTheUsersTokenIsAccepted() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("user-status", "200");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "user token /api/hello")).contains("token issued, call 200").endsWith("FAIL");
    }

    @Test
    void failsWhenApimIsAnsweredForAnotherIdentity() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("apim-object-id", "1b700000-0000-4000-8000-000000000001");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "APIM /callerguard/whoami"))
                .contains("200, objectId 1b700000-0000-4000-8000-000000000001").endsWith("FAIL");
    }

    @Test
    void failsWhenApimGetsRefused() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("apim-status", "403");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "APIM /callerguard/whoami")).startsWith("APIM").contains(" 403,").endsWith("FAIL");
    }

    /** Second review, finding 1: an API that requires no subscription key lets anyone call every function as APIM. */
    @Test
    void failsWhenApimAnswersACallWithoutASubscriptionKey() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("apim-keyless-status", "200");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "APIM without a key")).contains("401 (subscription key required)").endsWith("FAIL");
    }

    @Test
    void passesWhenApimRefusesACallWithoutASubscriptionKey() throws Exception {
        ScriptResult result = verify(FakeAzure.deployed(dir));

        assertThat(row(result, "APIM without a key")).endsWith("PASS");
    }

    @Test
    void failsWhenHealthIsNot200() throws Exception {
        FakeAzure azure = FakeAzure.deployed(dir).curl("health-status", "503");

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(row(result, "anonymous /api/health")).contains("503").endsWith("FAIL");
    }

    @Test
    void stopsWithAClearMessageWhenNothingIsDeployed() throws Exception {
        FakeAzure azure = FakeAzure.empty(dir);

        ScriptResult result = verify(azure);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("verify.sh: ERROR: step 'Reading the deployment' failed");
        assertThat(azure.calls()).noneMatch(call -> call.program().equals("curl"));
    }

    /** The WWW-Authenticate CallerGuard itself answers a call without credentials with. */
    private static String callerGuardsChallengeWithoutCredentials() throws IOException {
        try (GuardedApp app = new GuardedApp()) {
            HttpResponseMessage response = app.guard().handle(TestHttpRequest.get("/api/hello"),
                    new TestContext("hello"), caller -> {
                        throw new AssertionError("no credentials, yet allowed");
                    });
            assertThat(response.getStatusCode()).isEqualTo(401);
            return response.getHeader("WWW-Authenticate");
        }
    }

    private static ScriptResult verify(FakeAzure azure) throws IOException, InterruptedException {
        return azure.run("verify.sh", "--config", FakeAzure.EXAMPLE_CONFIG.toString());
    }

    private static String row(ScriptResult result, String check) {
        int table = result.stdout().indexOf(TABLE_HEADER);
        assertThat(table).as("the table in\n" + result).isNotNegative();
        return result.stdout().substring(table).lines().filter(line -> line.startsWith(check + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + check + " in\n" + result)).strip();
    }
}
