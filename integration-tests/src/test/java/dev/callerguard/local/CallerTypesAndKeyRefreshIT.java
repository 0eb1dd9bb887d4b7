package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The security review's findings 1 and 5 on the local run, as a user would see them: the functions host serving
 * the staged app with {@code local.settings.json}, tokens from the identity emulator. One run has
 * {@code CALLERGUARD_KEYS_REFRESH_MINUTES=1} and the default caller types ({@code app}); the other
 * {@code CALLERGUARD_CALLER_TYPES=app,user}.
 */
class CallerTypesAndKeyRefreshIT {
    /** A user's pairwise subject: for a user, {@code sub} is not the {@code oid}. */
    private static final String PAIRWISE_SUB = "Ma8APpvZmW33OtwMeY4mEpA8_AOWWE6yTGYXZFdJTNQ";
    /** The APIM identity's object id (allowed by local.settings.json) in a token only a user would have. */
    private static final String DELEGATED = "{\"claims\": {\"idtyp\": \"user\", \"scp\": \"user_impersonation\","
            + " \"sub\": \"" + PAIRWISE_SUB + "\"}}";
    /** The same object id in an ID token for the API's own client id: no appid, a nonce. */
    private static final String ID_TOKEN = "{\"claims\": {\"aud\": \"" + LocalIdentities.API_CLIENT_ID + "\","
            + " \"appid\": null, \"appidacr\": null, \"idtyp\": null, \"sub\": \"" + PAIRWISE_SUB + "\","
            + " \"nonce\": \"5a1b\", \"upn\": \"someone@contoso.example\"}}";

    private static LocalStack appsOnly;
    private static LocalStack appsAndUsers;

    @BeforeAll
    static void start() throws Exception {
        appsOnly = LocalStack.start(false, List.of(), Map.of("CALLERGUARD_KEYS_REFRESH_MINUTES", "1"));
        appsAndUsers = LocalStack.start(false, List.of(), Map.of("CALLERGUARD_CALLER_TYPES", "app,user"));
    }

    @AfterAll
    static void stop() {
        if (appsOnly != null) {
            appsOnly.close();
        }
        if (appsAndUsers != null) {
            appsAndUsers.close();
        }
    }

    @Test
    void tokenAcceptedTwiceIsRefusedOnceItsKeyIsRotatedOutAndARefreshHasPassed() throws Exception {
        String token = appsOnly.token(LocalIdentities.APIM);
        Instant firstCall = Instant.now();
        assertThat(appsOnly.get("/api/hello", token).statusCode()).isEqualTo(200);
        assertThat(appsOnly.get("/api/hello", token).statusCode()).as("the cache hit").isEqualTo(200);

        // The emulator publishes the current and the previous key: two rotations take the token's key out.
        appsOnly.rotateKeys();
        appsOnly.rotateKeys();
        Duration wait = Duration.ofMinutes(1).plusSeconds(5).minus(Duration.between(firstCall, Instant.now()));
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        HttpResponse<String> afterRefresh = appsOnly.get("/api/hello", token);

        assertThat(afterRefresh.statusCode()).isEqualTo(401);
        assertThat(afterRefresh.headers().firstValue("WWW-Authenticate")).get().asString()
                .contains("error=\"invalid_token\"");
        assertThat(LocalStack.json(afterRefresh).get("code").asText()).isEqualTo("CG401-UNKNOWN-KEY");
        assertThat(appsOnly.get("/api/hello", appsOnly.token(LocalIdentities.APIM)).statusCode())
                .as("a token of the current key").isEqualTo(200);
    }

    @Test
    void idTokenShapedTokenOfAnAllowedCallerIsRefused() throws Exception {
        String idToken = appsOnly.shapedToken(ID_TOKEN);
        assertThat(LocalStack.segment(idToken, 1).get("oid").asText()).isEqualTo(LocalIdentities.APIM.objectId());

        HttpResponse<String> response = appsOnly.get("/api/hello", idToken);
        HttpResponse<String> evenWithUsers = appsAndUsers.get("/api/hello", appsAndUsers.shapedToken(ID_TOKEN));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(LocalStack.json(response).get("code").asText()).isEqualTo("CG401-NOT-ACCESS-TOKEN");
        assertThat(evenWithUsers.statusCode()).isEqualTo(401);
        assertThat(LocalStack.json(evenWithUsers).get("code").asText()).isEqualTo("CG401-NOT-ACCESS-TOKEN");
    }

    @Test
    void delegatedTokenOfAnAllowedCallerIsRefusedUnderTheDefault() throws Exception {
        HttpResponse<String> response = appsOnly.get("/api/hello", appsOnly.shapedToken(DELEGATED));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                .contains("error=\"insufficient_scope\"");
        assertThat(LocalStack.json(response).get("code").asText()).isEqualTo("CG403-CALLER-TYPE");
    }

    @Test
    void delegatedTokenOfAnAllowedCallerIsAcceptedWithCallerTypesAppAndUser() throws Exception {
        HttpResponse<String> response = appsAndUsers.get("/api/hello", appsAndUsers.shapedToken(DELEGATED));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(LocalIdentities.APIM.objectId());
        assertThat(appsAndUsers.get("/api/hello", appsAndUsers.token(LocalIdentities.APIM)).statusCode())
                .as("the managed identity too").isEqualTo(200);
    }
}
