package dev.callerguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.CallerGuard;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestHttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EmulatedTenant#userAuthorization} under the sample's {@code local.settings.delegated.json}
 * ({@code CALLERGUARD_CALLER_TYPES=app,user}, the local user ada allowed, {@code Orders.Read} required), as a user
 * tests a function whose guard requires scopes.
 */
class EmulatedTenantUsersTest {
    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withSettings(
            Path.of("sample-app", "local.settings.delegated.json"));

    private static TestHttpResponse call(CallerGuard guard, String authorization) {
        TestHttpRequest request = TestHttpRequest.get("/api/orders").header("Authorization", authorization);
        return (TestHttpResponse) guard.handle(request, new TestContext("orders"),
                caller -> request.createResponseBuilder(HttpStatus.OK).body("hello " + caller.objectId()).build());
    }

    @Test
    void aUserWithTheRequiredScopeIsAllowed() {
        TestHttpResponse response = call(TENANT.guard(), TENANT.userAuthorization("ada", "Orders.Read"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("hello ada00000-0000-4000-8000-000000000001");
    }

    @Test
    void aUserWithoutTheRequiredScopeIsRefusedWithTheScopeNamed() {
        TestHttpResponse response = call(TENANT.guard(), TENANT.userAuthorization("ada", "user_impersonation"));

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.bodyText()).contains("CG403-SCOPE");
        assertThat(response.getHeader("WWW-Authenticate")).endsWith("scope=\"Orders.Read\"");
    }

    @Test
    void aFunctionsOwnScopeAddsToTheSettings() {
        CallerGuard writes = TENANT.guard().requiringScopes("Orders.Write");

        assertThat(call(writes, TENANT.userAuthorization("ada", "Orders.Read")).getStatusCode()).isEqualTo(403);
        assertThat(call(writes, TENANT.userAuthorization("ada", "Orders.Read Orders.Write")).getStatusCode())
                .isEqualTo(200);
        assertThat(call(writes, TENANT.authorization("apim")).getStatusCode()).as("an app: judged by its roles")
                .isEqualTo(200);
    }

    @Test
    void namesTheKnownUsersForAnUnknownOne() {
        assertThatThrownBy(() -> TENANT.userAuthorization("mallory", "Orders.Read"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mallory").hasMessageContaining("ada");
    }
}
