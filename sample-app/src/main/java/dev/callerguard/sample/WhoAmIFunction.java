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
import dev.callerguard.VerifiedCaller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/whoami}: the verified caller as JSON. */
public final class WhoAmIFunction {
    private static final CallerGuard GUARD = CallerGuard.standard();

    private final CallerGuard guard;

    public WhoAmIFunction() {
        this(GUARD);
    }

    WhoAmIFunction(CallerGuard guard) {
        this.guard = guard;
    }

    @FunctionName("whoami")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "whoami") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return guard.handle(request, context, caller -> Json.response(request, HttpStatus.OK, describe(caller)));
    }

    static Map<String, Object> describe(VerifiedCaller caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("objectId", caller.objectId());
        body.put("tenantId", caller.tenantId());
        body.put("appId", caller.appId().orElse(null));
        body.put("roles", caller.roles());
        body.put("source", caller.source().label());
        body.put("claims", caller.claims());
        return body;
    }
}
