package dev.callerguard.sample;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.callerguard.CallerGuard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/health}, unguarded (Easy Auth excludes it too): 200 when the settings are valid, 503 naming
 * the settings in error, never their values. It does no network call.
 */
public final class HealthFunction {
    private final CallerGuard guard;

    public HealthFunction() {
        this(CallerGuard.standard());
    }

    HealthFunction(CallerGuard guard) {
        this.guard = guard;
    }

    @FunctionName("health")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "health") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> names = guard.settingsInError();
        if (names.isEmpty()) {
            body.put("status", "ok");
            return Json.response(request, HttpStatus.OK, body);
        }
        body.put("status", "misconfigured");
        body.put("settings", names);
        return Json.response(request, HttpStatus.SERVICE_UNAVAILABLE, body);
    }
}
