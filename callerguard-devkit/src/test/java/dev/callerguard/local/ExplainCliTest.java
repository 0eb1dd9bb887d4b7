package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.settings.GuardSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code scripts/explain.sh} on emulator tokens: every verdict the check would give, and the exit status. */
class ExplainCliTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final String SETTINGS = "sample-app/local.settings.json";

    private IdentityEmulator emulator;
    private final Map<String, String> environment = new HashMap<>();
    private String output;

    @TempDir
    Path temp;

    @BeforeEach
    void start() throws Exception {
        emulator = IdentityEmulator.start(0, "secret", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int explain(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = ExplainCli.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(bytes, true, StandardCharsets.UTF_8), environment::get);
        output = bytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String apimToken() {
        return emulator.issue(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI);
    }

    @Test
    void passesTheAllowedIdentitysTokenAndShowsTimesAsDates() throws Exception {
        int status = explain(apimToken(), "--settings", SETTINGS, "--at", NOW.toString());

        assertThat(status).isZero();
        assertThat(output).contains("Header", "alg        RS256", "Claims",
                "oid        " + LocalIdentities.APIM.objectId(),
                "exp        " + NOW.plusSeconds(86_400).getEpochSecond() + "  (2026-11-28T12:00:00Z)",
                "PASS  issuer", "PASS  tenant", "PASS  audience", "PASS  lifetime", "PASS  access-token",
                "PASS  caller", "PASS  caller-type", "SKIP  signature",
                "Result: every step passes (signature not checked offline)");
    }

    @Test
    void namesAnIdTokenAndADelegatedToken() throws Exception {
        String idToken = shapedToken("{\"claims\": {\"appid\": null, \"idtyp\": null, \"nonce\": \"n\"}}");
        String delegated = shapedToken("{\"claims\": {\"idtyp\": \"user\", \"scp\": \"user_impersonation\"}}");

        assertThat(explain(idToken, "--settings", SETTINGS, "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("FAIL  access-token CG401-NOT-ACCESS-TOKEN",
                "Result: refused, 401 invalid_token CG401-NOT-ACCESS-TOKEN");
        assertThat(explain(delegated, "--settings", SETTINGS, "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("FAIL  caller-type  CG403-CALLER-TYPE",
                "Result: refused, 403 insufficient_scope CG403-CALLER-TYPE");
    }

    @Test
    void showsTheScopesVerdictOfAUsersToken() throws Exception {
        String settings = "sample-app/local.settings.delegated.json";
        String reader = emulator.issueDelegated(LocalIdentities.ADA, LocalIdentities.API_APP_ID_URI, "Orders.Read",
                Map.of());

        assertThat(explain(reader, "--settings", settings, "--at", NOW.toString())).isZero();
        assertThat(output).contains("Required scopes: Orders.Read", "PASS  scopes");
        assertThat(explain(reader, "--settings", settings, "--at", NOW.toString(), "--scopes", "Orders.Read,Orders.Write"))
                .isEqualTo(1);
        assertThat(output).contains("Required scopes: Orders.Read Orders.Write",
                "FAIL  scopes       CG403-SCOPE", "Result: refused, 403 insufficient_scope CG403-SCOPE");
        assertThat(explain(apimToken(), "--settings", settings, "--at", NOW.toString(), "--scopes", "Orders.Write"))
                .as("an app token: judged by its roles").isZero();
        assertThat(explain(apimToken(), "--settings", settings, "--at", NOW.toString(), "--roles", "Reports.Read"))
                .isEqualTo(1);
        assertThat(output).contains("Required roles: Reports.Read", "FAIL  roles        CG403-ROLE");
    }

    @Test
    void refusesAScopeOptionThatIsNoScopeValue() throws Exception {
        assertThat(explain(apimToken(), "--settings", SETTINGS, "--scopes", "Orders\"Read")).isEqualTo(2);
        assertThat(output).contains("--scopes takes scope values");
    }

    /** A token of any shape from the emulator's {@code POST /dev/token}. */
    private String shapedToken(String request) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(emulator.authority() + "/dev/token"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return HttpExchanges.MAPPER.readTree(response.body()).get("access_token").asText();
    }

    @Test
    void checksSignatureAgainstKeysUrl() throws Exception {
        assertThat(explain(apimToken(), "--settings", SETTINGS, "--at", NOW.toString(),
                "--keys", emulator.keysUrl())).isZero();
        assertThat(output).contains("PASS  signature").doesNotContain("not checked offline");
    }

    @Test
    void refusesSignatureAgainstAnotherKeysFile() throws Exception {
        String token = apimToken();
        Path keys = temp.resolve("keys.json");
        Files.write(keys, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emulator.keysUrl())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        emulator.close();
        IdentityEmulator other = IdentityEmulator.start(0, "secret", Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            String foreign = other.issue(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI);

            assertThat(explain(token, "--settings", SETTINGS, "--at", NOW.toString(), "--keys", keys.toString()))
                    .isZero();
            assertThat(explain(foreign, "--settings", SETTINGS, "--at", NOW.toString(), "--keys", keys.toString()))
                    .isEqualTo(1);
            assertThat(output).contains("FAIL  signature    CG401-UNKNOWN-KEY");
        } finally {
            other.close();
        }
    }

    @Test
    void namesTheWrongAudience() throws Exception {
        String token = emulator.issue(LocalIdentities.APIM, "https://management.azure.com/");

        assertThat(explain(token, "--settings", SETTINGS, "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("FAIL  audience     CG401-AUDIENCE", "Result: refused, 401 invalid_token CG401-AUDIENCE");
    }

    @Test
    void namesAnotherTenantsToken() throws Exception {
        environment.putAll(LocalSettings.read(Path.of(SETTINGS), Map.of()));
        environment.put(GuardSettings.TENANT_ID, "0be7e57e-0000-4000-8000-000000000002");

        assertThat(explain(apimToken(), "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("FAIL  issuer       CG401-ISSUER", "FAIL  tenant       CG401-TENANT",
                "settings from the environment");
    }

    @Test
    void judgesACapturedTokenAsOfTheGivenTime() throws Exception {
        String token = apimToken();

        assertThat(explain(token, "--settings", SETTINGS, "--at", "2026-11-29T12:00:00Z")).isEqualTo(1);
        assertThat(output).contains("FAIL  lifetime     CG401-EXPIRED");
        assertThat(explain(token, "--settings", SETTINGS, "--at", "2026-11-28T11:59:00Z")).isZero();
    }

    @Test
    void namesTheCallerNotAllowed() throws Exception {
        String token = emulator.issue(LocalIdentities.INTRUDER, LocalIdentities.API_APP_ID_URI);

        assertThat(explain(token, "--settings", SETTINGS, "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("FAIL  caller       CG403-CALLER", "Result: refused, 403 insufficient_scope CG403-CALLER");
    }

    @Test
    void namesTheMissingRole() throws Exception {
        environment.putAll(LocalSettings.read(Path.of(SETTINGS), Map.of()));
        environment.put(GuardSettings.REQUIRED_ROLES, "Reports.Read");

        assertThat(explain(apimToken(), "--at", NOW.toString())).isEqualTo(1);
        assertThat(output).contains("PASS  caller", "FAIL  roles        CG403-ROLE");
        assertThat(explain(emulator.issue(LocalIdentities.REPORTER, LocalIdentities.API_APP_ID_URI),
                "--at", NOW.toString())).isZero();
    }

    /**
     * Finding "explain.sh prints allowed callers in a different order from run to run": they come out in the
     * order CALLERGUARD_ALLOWED_CALLERS gives them, for every order of three (Set.copyOf had one of its own).
     */
    @ParameterizedTest
    @ValueSource(strings = {"012", "021", "102", "120", "201", "210"})
    void printsAllowedCallersInTheOrderOfTheSetting(String order) throws Exception {
        List<String> allowed = List.of(LocalIdentities.APIM.objectId(), LocalIdentities.REPORTER.objectId(),
                LocalIdentities.APP.objectId());
        List<String> ids = order.chars().mapToObj(digit -> allowed.get(digit - '0')).toList();
        environment.putAll(LocalSettings.read(Path.of(SETTINGS), Map.of()));
        environment.put(GuardSettings.ALLOWED_CALLERS, String.join(", ", ids));

        assertThat(explain(apimToken(), "--at", NOW.toString())).isZero();
        assertThat(output).contains("allowed callers [" + String.join(", ", ids) + "]");
    }

    @Test
    void explainsAnEasyAuthPrincipal() throws Exception {
        environment.putAll(LocalSettings.read(Path.of(SETTINGS), Map.of()));
        environment.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        String principal = EasyAuthEmulation.principal(Map.of("oid", LocalIdentities.APIM.objectId(),
                "tid", LocalIdentities.TENANT_ID, "aud", LocalIdentities.API_APP_ID_URI, "idtyp", "app"));

        assertThat(explain(principal)).isZero();
        assertThat(output).contains("Principal claims", "PASS  principal", "PASS  caller", "PASS  caller-type");
    }

    @Test
    void failsAPrincipalTheSettingsDoNotTrust() throws Exception {
        String principal = EasyAuthEmulation.principal(Map.of("oid", LocalIdentities.APIM.objectId(),
                "tid", LocalIdentities.TENANT_ID, "aud", LocalIdentities.API_APP_ID_URI));

        assertThat(explain(principal, "--settings", SETTINGS)).isEqualTo(1);
        assertThat(output).contains("FAIL  trust        CG401-NO-CREDENTIALS");
    }

    @Test
    void readsTheCredentialFromStdinAndAcceptsABearerPrefix() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = ExplainCli.run(new String[] {"--settings", SETTINGS, "--at", NOW.toString()},
                new ByteArrayInputStream(("Bearer " + apimToken() + "\n").getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8), environment::get);

        assertThat(status).isZero();
    }

    @Test
    void stopsAtAMalformedToken() throws Exception {
        assertThat(explain("abc.def.ghi", "--settings", SETTINGS)).isEqualTo(1);
        assertThat(output).contains("FAIL  structure    CG401-MALFORMED");
    }

    @Test
    void reportsSettingsProblemsWithStatusTwo() throws Exception {
        assertThat(explain(apimToken())).isEqualTo(2);
        assertThat(output).contains(GuardSettings.TENANT_ID, GuardSettings.ALLOWED_CALLERS);
    }

    @Test
    void printsUsageWithoutCredential() throws Exception {
        assertThat(explain("--settings", SETTINGS)).isEqualTo(2);
        assertThat(output).startsWith("usage: explain.sh");
    }
}
