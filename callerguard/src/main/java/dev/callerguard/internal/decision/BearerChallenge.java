package dev.callerguard.internal.decision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callerguard.internal.credentials.StrictJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one place that turns a {@link Refusal} into HTTP: status, {@code WWW-Authenticate} per RFC 6750 section 3,
 * {@code Retry-After} when the signing keys cannot be had, and an RFC 9457 problem body carrying the stable id and the invocation id.
 * Nothing from the request is echoed.
 */
public final class BearerChallenge {
    public static final String REALM = "callerguard";
    public static final String PROBLEM_JSON = "application/problem+json";
    /** Seconds a client should wait before retrying when the signing keys cannot be had. */
    public static final int RETRY_AFTER_SECONDS = 10;

    private BearerChallenge() {
    }

    public static HttpRefusal render(Refusal refusal, String invocationId) {
        return render(refusal, Set.of(), invocationId);
    }

    /**
     * As {@link #render(Refusal, String)}; a {@link Refusal#SCOPE_MISSING} also names the scopes the function
     * requires in the challenge's {@code scope} attribute (RFC 6750 section 3: space-delimited, case-sensitive) and
     * in the body's {@code scope} member. They come from the settings and the function's code, never the request.
     */
    public static HttpRefusal render(Refusal refusal, Set<String> requiredScopes, String invocationId) {
        String scope = refusal == Refusal.SCOPE_MISSING && !requiredScopes.isEmpty()
                ? String.join(" ", requiredScopes) : null;
        RefusalKind kind = refusal.kind();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", PROBLEM_JSON);
        headers.put("Cache-Control", "no-store");
        if (kind != RefusalKind.UNAVAILABLE) {
            headers.put("WWW-Authenticate", challenge(refusal, scope));
        }
        if (refusal == Refusal.KEYS_UNAVAILABLE) {
            headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        return new HttpRefusal(kind.status(), headers, body(refusal, scope, invocationId));
    }

    /** The challenge; {@code scope} is {@code null} or scope tokens, which hold no quote or backslash. */
    static String challenge(Refusal refusal, String scope) {
        String errorCode = refusal.kind().errorCode();
        if (errorCode == null) {
            return "Bearer realm=\"" + REALM + "\"";
        }
        return "Bearer realm=\"" + REALM + "\", error=\"" + errorCode
                + "\", error_description=\"" + refusal.description() + "\""
                + (scope == null ? "" : ", scope=\"" + scope + "\"");
    }

    private static String body(Refusal refusal, String scope, String invocationId) {
        ObjectNode problem = JsonNodeFactory.instance.objectNode();
        problem.put("type", "about:blank");
        problem.put("title", title(refusal.kind()));
        problem.put("status", refusal.kind().status());
        problem.put("detail", refusal.description());
        problem.put("code", refusal.id());
        if (refusal.kind().errorCode() != null) {
            problem.put("error", refusal.kind().errorCode());
        }
        if (scope != null) {
            problem.put("scope", scope);
        }
        problem.put("invocationId", invocationId);
        try {
            return StrictJson.WRITER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a problem body", e);
        }
    }

    private static String title(RefusalKind kind) {
        return switch (kind) {
            case NO_CREDENTIALS, INVALID_TOKEN -> "Unauthorized";
            case INVALID_REQUEST -> "Bad Request";
            case INSUFFICIENT_SCOPE -> "Forbidden";
            case UNAVAILABLE -> "Service Unavailable";
        };
    }
}
