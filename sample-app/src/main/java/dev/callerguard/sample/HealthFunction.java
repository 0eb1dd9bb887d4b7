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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/health}, unguarded (Easy Auth excludes it too): 200 when the settings are valid (the guard's and the
 * relay's), 503 naming the settings in error, never their values. It does no network call.
 */
public final class HealthFunction {
    private final CallerGuard guard;
    private final RelaySettings.Loaded relay;

    public HealthFunction() {
        this(CallerGuard.standard(), RelaySettings.environment());
    }

    HealthFunction(CallerGuard guard, RelaySettings.Loaded relay) {
        this.guard = guard;
        this.relay = relay;
    }

    @FunctionName("health")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "health") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(guard.settingsInError());
        relay.problems().stream().map(RelaySettings.Problem::setting).distinct().forEach(names::add);
        if (names.isEmpty()) {
            body.put("status", "ok");
            return Json.response(request, HttpStatus.OK, body);
        }
        body.put("status", "misconfigured");
        body.put("settings", names);
        return Json.response(request, HttpStatus.SERVICE_UNAVAILABLE, body);
    }
}
