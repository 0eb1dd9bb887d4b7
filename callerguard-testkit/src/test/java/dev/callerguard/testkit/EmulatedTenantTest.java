package dev.callerguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.CallerGuard;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestHttpResponse;
import dev.callerguard.testing.TestIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmulatedTenant} registered as users register it, over a settings file that allows apim and reporter. */
class EmulatedTenantTest {
    private static final Path SETTINGS = settingsFile("""
            "CALLERGUARD_TENANT_ID": "%s",
            "CALLERGUARD_AUDIENCES": "%s",
            "CALLERGUARD_ALLOWED_CALLERS": "%s,%s",
            "CALLERGUARD_AUTHORITY": "http://localhost:7072"
            """.formatted(TestIds.TENANT, TestIds.API_APP_ID_URI, TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER));

    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withSettings(SETTINGS);

    @TempDir
    Path dir;

    private static Path settingsFile(String values) {
        try {
            Path file = Files.createTempFile("local.settings", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, "{\"IsEncrypted\": false, \"Values\": {" + values + "}}");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestHttpResponse call(CallerGuard guard, TestHttpRequest request) {
        return (TestHttpResponse) guard.handle(request, new TestContext("orders"),
                caller -> request.createResponseBuilder(HttpStatus.OK).body("hello " + caller.objectId()).build());
    }

    @Test
    void allowsAnIdentityTheSettingsAllow() {
        TestHttpResponse response = call(TENANT.guard(),
                TestHttpRequest.get("/api/orders").header("Authorization", TENANT.authorization("apim")));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("hello " + TestIds.ALLOWED_CALLER);
    }

    @Test
    void refusesAnIdentityTheSettingsDoNotAllow() {
        TestHttpResponse response = call(TENANT.guard(),
                TestHttpRequest.get("/api/orders").header("Authorization", TENANT.authorization("intruder")));

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.bodyText()).contains("CG403-CALLER");
    }

    @Test
    void refusesACallWithoutCredentials() {
        TestHttpResponse response = call(TENANT.guard(), TestHttpRequest.get("/api/orders"));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void keepsTheGuardsNarrowingsOnItsPolicy() {
        TestHttpResponse response = call(TENANT.guard().requiringRoles("Reports.Read"),
                TestHttpRequest.get("/api/orders").header("Authorization", TENANT.authorization("apim")));

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(call(TENANT.guard().requiringRoles("Reports.Read"), TestHttpRequest.get("/api/orders")
                .header("Authorization", TENANT.authorization("reporter"))).getStatusCode()).isEqualTo(200);
    }

    @Test
    void handsOutHeadersNamedAsTheHostNamesThem() {
        assertThat(TENANT.headers("apim")).containsOnlyKeys("authorization");
        assertThat(TENANT.headers("apim").get("authorization")).startsWith("Bearer ey");
    }

    @Test
    void namesTheKnownIdentitiesForAnUnknownOne() {
        assertThatThrownBy(() -> TENANT.authorization("mallory"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mallory").hasMessageContaining("apim");
    }

    @Test
    void usesTheEmulatorsKeysEvenWhenTheFileNamesTheRealAuthority() throws IOException {
        Path file = dir.resolve("local.settings.json");
        Files.writeString(file, "{\"Values\": {\"CALLERGUARD_TENANT_ID\": \"" + TestIds.TENANT + "\", "
                + "\"CALLERGUARD_AUDIENCES\": \"" + TestIds.API_APP_ID_URI + "\", "
                + "\"CALLERGUARD_ALLOWED_CALLERS\": \"" + TestIds.ALLOWED_CALLER + "\", "
                + "\"CALLERGUARD_AUTHORITY\": \"https://login.microsoftonline.com\", "
                + "\"CALLERGUARD_KEYS_URL\": \"https://login.microsoftonline.com/common/discovery/v2.0/keys\"}}");
        EmulatedTenant tenant = EmulatedTenant.withSettings(file);
        try {
            TestHttpResponse response = call(tenant.guard(),
                    TestHttpRequest.get("/api/orders").header("Authorization", tenant.authorization("apim")));

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(tenant.keySetRequests()).isEqualTo(1);
        } finally {
            tenant.afterAll(null);
        }
    }

    @Test
    void refusesToBuildAGuardOverSettingsTheGuardWouldRefuse() throws IOException {
        Path file = dir.resolve("local.settings.json");
        Files.writeString(file, "{\"Values\": {\"CALLERGUARD_TENANT_ID\": \"" + TestIds.TENANT + "\"}}");
        EmulatedTenant misconfigured = EmulatedTenant.withSettings(file);

        assertThatThrownBy(misconfigured::guard)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CALLERGUARD_AUDIENCES")
                .hasMessageContaining("CALLERGUARD_ALLOWED_CALLERS");
    }

    @Test
    void namesASettingsFileThatIsMissing() {
        EmulatedTenant missing = EmulatedTenant.withSettings(dir.resolve("nowhere.json"));

        assertThatThrownBy(missing::guard).isInstanceOf(UncheckedIOException.class).hasMessageContaining("nowhere.json");
    }
}
