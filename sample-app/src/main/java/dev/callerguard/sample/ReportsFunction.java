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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/reports}: besides the app-wide allowlist, requires the app role {@code Reports.Read}. */
public final class ReportsFunction {
    public static final String REQUIRED_ROLE = "Reports.Read";

    private static final CallerGuard GUARD = CallerGuard.standard().requiringRoles(REQUIRED_ROLE);

    private final CallerGuard guard;

    public ReportsFunction() {
        this.guard = GUARD;
    }

    /** Over another base guard (tests); the role requirement is added here as in production. */
    ReportsFunction(CallerGuard base) {
        this.guard = base.requiringRoles(REQUIRED_ROLE);
    }

    @FunctionName("reports")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.ANONYMOUS,
                    route = "reports") HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return guard.handle(request, context, caller -> Json.response(request, HttpStatus.OK, Map.of(
                "reader", caller.objectId(),
                "reports", List.of(
                        Map.of("id", "usage-2026-10", "title", "API usage, October 2026"),
                        Map.of("id", "usage-2026-11", "title", "API usage, November 2026")))));
    }
}
