package dev.callerguard.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.callerguard.CallerGuard;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/relay}: for an allowed caller, calls another protected endpoint (by default this app's own
 * {@code /api/whoami}) with a token of this app's managed identity and returns what it got — the
 * function-to-function chain. The token is never returned or logged.
 */
public final class RelayFunction {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final CallerGuard GUARD = CallerGuard.standard();
    private static final RelaySettings.Loaded LOADED = RelaySettings.environment();
    private static final Optional<RelaySettings> SETTINGS = LOADED.settings();
    private static final Optional<ManagedIdentityTokens> TOKENS = SETTINGS.map(settings -> settings.clientId()
            .map(ManagedIdentityTokens::userAssigned).orElseGet(ManagedIdentityTokens::systemAssigned));
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final CallerGuard guard;

    public RelayFunction() {
        this(GUARD);
    }

    RelayFunction(CallerGuard guard) {
        this.guard = guard;
    }

    @FunctionName("relay")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "relay") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return guard.handle(request, context, caller -> relay(request, context));
    }

    private static HttpResponseMessage relay(HttpRequestMessage<?> request, ExecutionContext context) {
        if (!LOADED.problems().isEmpty()) {
            return Json.response(request, HttpStatus.SERVICE_UNAVAILABLE, Map.of("error", "relay settings in error",
                    "settings", LOADED.problems().stream().map(RelaySettings.Problem::setting).distinct().toList()));
        }
        if (SETTINGS.isEmpty() || TOKENS.isEmpty()) {
            return Json.response(request, HttpStatus.SERVICE_UNAVAILABLE, Map.of("error",
                    "relay is not configured: set " + RelaySettings.RELAY_URL + " and " + RelaySettings.RELAY_RESOURCE));
        }
        RelaySettings settings = SETTINGS.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", settings.target().toString());
        body.put("resource", settings.resource());
        try {
            String token = TOKENS.get().accessToken(settings.resource());
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(settings.target())
                    .timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            body.put("status", answer.statusCode());
            body.put("body", parsed(answer.body()));
            context.getLogger().info(() -> "relay target=" + settings.target() + " status=" + answer.statusCode());
            return Json.response(request, HttpStatus.OK, body);
        } catch (ManagedIdentityTokenException e) {
            context.getLogger().warning(() -> "relay: " + e.getMessage());
            body.put("error", e.getMessage());
        } catch (IOException e) {
            context.getLogger().warning(() -> "relay: target unreachable: " + e.getClass().getSimpleName());
            body.put("error", "the relay target cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            body.put("error", "interrupted");
        }
        return Json.response(request, HttpStatus.BAD_GATEWAY, body);
    }

    private static Object parsed(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            return json == null ? text : json;
        } catch (IOException e) {
            return text;
        }
    }
}
