package dev.callerguard;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.BearerChallenge;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.HttpRefusal;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.metrics.GuardMetrics;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.InvalidSettingsException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The caller check in front of an HTTP function, one call per handler:
 *
 * <pre>{@code
 * private static final CallerGuard GUARD = CallerGuard.standard().requiringRoles("Orders.Write");
 * private static final CallerGuard READ = CallerGuard.standard().requiringScopes("Orders.Read");
 * ...
 * return GUARD.handle(request, context, caller -> ...);
 * }</pre>
 *
 * The handler runs only for a caller the {@code CALLERGUARD_*} app settings allow (and the function's narrowing);
 * every other request gets the RFC 6750 refusal (400, 401, 403, or 503 when the keys cannot be had or the settings
 * are in error). Every decision is logged through the invocation's logger, never a credential. Immutable and
 * thread-safe; build once per function class.
 */
public final class CallerGuard {
    private static final Logger LOG = Logger.getLogger(CallerGuard.class.getName());
    private static final CallerGuard STANDARD = over(GuardRuntime.shared());

    /** The check under this guard's policy; {@code null} when every request gets {@link #unavailable}. */
    private final CallerCheck check;
    private final Refusal unavailable;
    /** Why every request is refused, for the decision log line (no secret: a count or a pointer to the log). */
    private final String unavailableReason;
    /** The names of the settings in error; empty when they are valid. */
    private final List<String> settingsInError;
    private final GuardMetrics metrics;

    private CallerGuard(CallerCheck check, Refusal unavailable, String unavailableReason,
                        List<String> settingsInError, GuardMetrics metrics) {
        this.check = check;
        this.unavailable = unavailable;
        this.unavailableReason = unavailableReason;
        this.settingsInError = List.copyOf(settingsInError);
        this.metrics = metrics;
    }

    /** The guard with the app-wide policy of the process's settings. */
    public static CallerGuard standard() {
        return STANDARD;
    }

    /**
     * A guard over another runtime than the process's. Package-private on purpose: a public way to build a guard
     * from other settings would let code widen the app settings' policy. The test kit (test scope, never deployed)
     * reaches it through its own class in this package, {@code EmulatedTenantGuards}; the library's tests through
     * {@code TestGuards}.
     */
    static CallerGuard over(GuardRuntime runtime) {
        return new CallerGuard(runtime.check().orElse(null), Refusal.NOT_CONFIGURED,
                "settings in error: " + runtime.problems().size(),
                new InvalidSettingsException(runtime.problems()).settingNames(), runtime.metrics());
    }

    /**
     * The names of the {@code CALLERGUARD_*} settings in error, never their values; empty when the settings are
     * valid. While it is not empty, every guarded request is refused with 503: a health function can report it.
     */
    public List<String> settingsInError() {
        return settingsInError;
    }

    /** This guard, also requiring every given app role. */
    public CallerGuard requiringRoles(String... roles) {
        return narrowed(check -> check.requiringRoles(roles), "requiringRoles", roles);
    }

    /**
     * This guard, also requiring every given delegated scope (as the {@code scp} claim names it, such as
     * {@code Orders.Read}) of a user caller; a user's token or Easy Auth principal without one of them is refused
     * 403 {@code CG403-SCOPE}, whose challenge names the scopes required. Application callers carry no scopes: the
     * scope requirement does not apply to them, they pass on the allowlist and the app roles required
     * ({@link #requiringRoles}, {@code CALLERGUARD_REQUIRED_ROLES}), as before. Where applications must not pass,
     * require a role too. Users are callers only when {@code CALLERGUARD_CALLER_TYPES} is {@code app,user}; without
     * it, this logs a warning and changes nothing. A scope that is not a scope value (spaces, quotes,
     * backslashes, non-ASCII) makes the guard answer every request 503 {@code CG503-NARROWING}; the reason is
     * logged once, here.
     */
    public CallerGuard requiringScopes(String... scopes) {
        if (check != null && !check.admitsUsers()) {
            LOG.warning(() -> "CallerGuard requiringScopes " + Arrays.toString(scopes) + " has no effect: "
                    + "CALLERGUARD_CALLER_TYPES admits application callers only, and they carry no scopes");
        }
        return narrowed(check -> check.requiringScopes(scopes), "requiringScopes", scopes);
    }

    /**
     * This guard, allowing only those of its callers that are also in {@code objectIds}. When that leaves nobody
     * (or an id is not a GUID) the guard answers every request 503 {@code CG503-NARROWING}; the reason is logged
     * once, here.
     */
    public CallerGuard narrowedToCallers(String... objectIds) {
        return narrowed(check -> check.narrowedToCallers(objectIds), "narrowedToCallers", objectIds);
    }

    /**
     * This guard under a narrower policy. A guard that already refuses everything stays as it is. A narrowing
     * that fails is a mistake in the function's code under these settings: it must not throw while the function
     * class loads (the host would answer 500 to every call), so it is logged at start and the guard refuses.
     */
    private CallerGuard narrowed(UnaryOperator<CallerCheck> narrowing, String method, String[] arguments) {
        if (check == null) {
            return this;
        }
        try {
            return new CallerGuard(narrowing.apply(check), null, null, settingsInError, metrics);
        } catch (RuntimeException e) {
            CallerPolicy policy = check.policy();
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            LOG.severe(() -> "CallerGuard " + method + " " + Arrays.toString(arguments) + " over the allowed callers "
                    + (policy.anyCaller() ? "*" : policy.allowedCallers()) + " fails: " + reason
                    + "; every request to the function this guard serves is refused with 503 "
                    + Refusal.NARROWING_EMPTY.id());
            return new CallerGuard(null, Refusal.NARROWING_EMPTY, "its narrowing allows nobody; see the start-up log",
                    settingsInError, metrics);
        }
    }

    /**
     * Runs {@code handler} for an allowed caller; answers the refusal otherwise. Each decision is logged (an allowance
     * at FINE unless {@code CALLERGUARD_LOG_ALLOWED} is {@code true}) and counted in the metrics.
     */
    public HttpResponseMessage handle(HttpRequestMessage<?> request, ExecutionContext context,
                                      Function<VerifiedCaller, HttpResponseMessage> handler) {
        Logger log = context.getLogger();
        String function = context.getFunctionName();
        long start = System.nanoTime();
        if (check == null) {
            log.severe(() -> "CallerGuard function=" + function + " outcome=refused status="
                    + unavailable.kind().status() + " code=" + unavailable.id() + " (" + unavailableReason + ")");
            metrics.decided(function, Optional.empty(), unavailable.kind().status(), unavailable.id(),
                    System.nanoTime() - start);
            return refuse(request, context, unavailable, Set.of());
        }
        Decision decision;
        try {
            decision = check.decide(RequestHeaders.of(request.getHeaders()));
        } catch (RuntimeException e) {
            log.log(Level.SEVERE, "CallerGuard function=" + function + " outcome=refused code="
                    + Refusal.CHECK_FAILED.id() + " error=" + e.getClass().getName());
            metrics.decided(function, Optional.empty(), Refusal.CHECK_FAILED.kind().status(), Refusal.CHECK_FAILED.id(),
                    System.nanoTime() - start);
            return refuse(request, context, Refusal.CHECK_FAILED, Set.of());
        }
        long nanos = System.nanoTime() - start;
        decision.warnings().forEach(log::warning);
        if (decision instanceof Decision.Allowed allowed) {
            VerifiedCaller caller = allowed.caller();
            log.log(check.logsAllowed() ? Level.INFO : Level.FINE, () -> "CallerGuard function=" + function
                    + " outcome=allowed source=" + caller.source().label() + " caller=" + caller.objectId()
                    + " app=" + caller.appId().orElse("-"));
            HttpResponseMessage response = null;
            try {
                response = handler.apply(caller);
                return response;
            } finally {
                metrics.decided(function, Optional.of(caller.source()), answered(response), null, nanos);
            }
        }
        Decision.Refused refused = (Decision.Refused) decision;
        Refusal refusal = refused.refusal();
        log.info(() -> "CallerGuard function=" + function + " outcome=refused status=" + refusal.kind().status()
                + " code=" + refusal.id() + " caller=" + known(refused.objectId()) + " app=" + known(refused.appId()));
        metrics.decided(function, refused.presented(), refusal.kind().status(), refusal.id(), nanos);
        return refuse(request, context, refusal, check.policy().requiredScopes());
    }

    /**
     * The status of the function's own answer, for the metrics; 500 when it threw or its answer has no status (the
     * host answers 500 then). Never throws: it runs after the handler, and must not replace its answer.
     */
    private static int answered(HttpResponseMessage response) {
        try {
            return response == null ? 500 : response.getStatusCode();
        } catch (RuntimeException e) {
            return 500;
        }
    }

    private static String known(Optional<String> value) {
        return value.orElse("-");
    }

    private static HttpResponseMessage refuse(HttpRequestMessage<?> request, ExecutionContext context,
                                              Refusal refusal, Set<String> requiredScopes) {
        HttpRefusal http = BearerChallenge.render(refusal, requiredScopes, context.getInvocationId());
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(http.status()));
        http.headers().forEach(builder::header);
        return builder.body(http.body()).build();
    }
}
