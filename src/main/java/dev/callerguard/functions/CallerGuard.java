package dev.callerguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.auth.BearerChallenge;
import dev.callerguard.auth.CallerCheck;
import dev.callerguard.auth.CallerPolicy;
import dev.callerguard.auth.Decision;
import dev.callerguard.auth.HttpRefusal;
import dev.callerguard.auth.Refusal;
import dev.callerguard.auth.RequestHeaders;
import dev.callerguard.auth.VerifiedCaller;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The wrapper every HTTP function calls: {@code return guard.handle(request, context, caller -> ...)}. The
 * handler runs only for an allowed caller; every other request gets the RFC 6750 refusal. Every decision is
 * logged through the invocation's logger, never a credential. Immutable; build once per function class.
 */
public final class CallerGuard {
    private static final CallerGuard STANDARD = new CallerGuard(GuardRuntime.shared(), UnaryOperator.identity());

    private final GuardRuntime runtime;
    private final UnaryOperator<CallerPolicy> narrowing;
    private final CallerCheck check;

    private CallerGuard(GuardRuntime runtime, UnaryOperator<CallerPolicy> narrowing) {
        this.runtime = runtime;
        this.narrowing = narrowing;
        this.check = runtime.check().map(base -> base.withPolicy(narrowing.apply(base.policy()))).orElse(null);
    }

    /** The guard with the app-wide policy of the process's settings. */
    public static CallerGuard standard() {
        return STANDARD;
    }

    /** A guard over an explicit runtime (tests, the local host). */
    public static CallerGuard over(GuardRuntime runtime) {
        return new CallerGuard(runtime, UnaryOperator.identity());
    }

    /** This guard, also requiring every given app role. */
    public CallerGuard requiringRoles(String... roles) {
        return new CallerGuard(runtime, policy -> narrowing.apply(policy).requiringRoles(roles));
    }

    /** This guard, allowing only those of its callers that are also in {@code objectIds}. */
    public CallerGuard narrowedToCallers(String... objectIds) {
        return new CallerGuard(runtime, policy -> narrowing.apply(policy).narrowedToCallers(objectIds));
    }

    /** Runs {@code handler} for an allowed caller; answers the refusal otherwise. */
    public HttpResponseMessage handle(HttpRequestMessage<?> request, ExecutionContext context,
                                      Function<VerifiedCaller, HttpResponseMessage> handler) {
        Logger log = context.getLogger();
        String function = context.getFunctionName();
        if (check == null) {
            log.severe(() -> "CallerGuard function=" + function + " outcome=refused code="
                    + Refusal.NOT_CONFIGURED.id() + " (settings in error: " + runtime.problems().size() + ")");
            return refuse(request, context, Refusal.NOT_CONFIGURED);
        }
        Decision decision;
        try {
            decision = check.decide(RequestHeaders.of(request.getHeaders()));
        } catch (RuntimeException e) {
            log.log(Level.SEVERE, "CallerGuard function=" + function + " outcome=refused code="
                    + Refusal.CHECK_FAILED.id() + " error=" + e.getClass().getName());
            return refuse(request, context, Refusal.CHECK_FAILED);
        }
        decision.warnings().forEach(log::warning);
        if (decision instanceof Decision.Allowed allowed) {
            VerifiedCaller caller = allowed.caller();
            log.info(() -> "CallerGuard function=" + function + " outcome=allowed source=" + caller.source().label()
                    + " caller=" + caller.objectId() + " app=" + caller.appId().orElse("-"));
            return handler.apply(caller);
        }
        Decision.Refused refused = (Decision.Refused) decision;
        Refusal refusal = refused.refusal();
        log.info(() -> "CallerGuard function=" + function + " outcome=refused status=" + refusal.kind().status()
                + " code=" + refusal.id() + " caller=" + known(refused.objectId()) + " app=" + known(refused.appId()));
        return refuse(request, context, refusal);
    }

    private static String known(Optional<String> value) {
        return value.orElse("-");
    }

    private static HttpResponseMessage refuse(HttpRequestMessage<?> request, ExecutionContext context,
                                              Refusal refusal) {
        HttpRefusal http = BearerChallenge.render(refusal, context.getInvocationId());
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(http.status()));
        http.headers().forEach(builder::header);
        return builder.body(http.body()).build();
    }
}
