package dev.callerguard.internal.decision;

/**
 * The catalogue of refusals: each has a stable id that logs, tests and docs quote, an RFC 6750 kind,
 * and a short factual description that never contains request data.
 */
public enum Refusal {
    NO_CREDENTIALS("CG401-NO-CREDENTIALS", RefusalKind.NO_CREDENTIALS,
            "Bearer token or Easy Auth principal required."),
    MALFORMED_AUTHORIZATION("CG400-AUTHORIZATION", RefusalKind.INVALID_REQUEST,
            "The Authorization header must be 'Bearer' followed by exactly one token."),
    AUTHORIZATION_TOO_LARGE("CG400-AUTHORIZATION-SIZE", RefusalKind.INVALID_REQUEST,
            "The Authorization header is too large."),
    MALFORMED_TOKEN("CG401-MALFORMED", RefusalKind.INVALID_TOKEN,
            "The token is not a well-formed JWS compact serialization with JSON header and claims."),
    ALGORITHM("CG401-ALGORITHM", RefusalKind.INVALID_TOKEN,
            "The token must be signed with RS256."),
    CRITICAL_HEADER("CG401-CRIT", RefusalKind.INVALID_TOKEN,
            "The token carries critical header parameters that are not understood."),
    NESTED_TOKEN("CG401-NESTED", RefusalKind.INVALID_TOKEN,
            "Nested tokens are not accepted."),
    KEY_ID("CG401-KEY-ID", RefusalKind.INVALID_TOKEN,
            "The token header must name its signing key with a 'kid'."),
    UNKNOWN_KEY("CG401-UNKNOWN-KEY", RefusalKind.INVALID_TOKEN,
            "The token's signing key is not one of the tenant's keys."),
    SIGNATURE("CG401-SIGNATURE", RefusalKind.INVALID_TOKEN,
            "The token's signature does not verify."),
    ISSUER("CG401-ISSUER", RefusalKind.INVALID_TOKEN,
            "The token's issuer is not accepted."),
    TENANT("CG401-TENANT", RefusalKind.INVALID_TOKEN,
            "The token was not issued for this tenant."),
    AUDIENCE("CG401-AUDIENCE", RefusalKind.INVALID_TOKEN,
            "The token's audience is not this API."),
    NO_EXPIRY("CG401-NO-EXPIRY", RefusalKind.INVALID_TOKEN,
            "The token has no valid expiry ('exp')."),
    EXPIRED("CG401-EXPIRED", RefusalKind.INVALID_TOKEN,
            "The token has expired."),
    NOT_YET_VALID("CG401-NOT-YET-VALID", RefusalKind.INVALID_TOKEN,
            "The token is not valid yet ('nbf')."),
    MALFORMED_CLAIMS("CG401-CLAIMS", RefusalKind.INVALID_TOKEN,
            "A claim the check reads has the wrong type or is repeated with different values."),
    NO_OBJECT_ID("CG401-NO-OID", RefusalKind.INVALID_TOKEN,
            "The credential names no caller object id ('oid')."),
    NOT_ACCESS_TOKEN("CG401-NOT-ACCESS-TOKEN", RefusalKind.INVALID_TOKEN,
            "The token is not an access token: it names no client application ('appid' or 'azp')."),
    MALFORMED_PRINCIPAL("CG401-PRINCIPAL", RefusalKind.INVALID_TOKEN,
            "The Easy Auth principal header is not valid base64 JSON of the expected shape."),
    EASY_AUTH_REQUIRED("CG401-EASY-AUTH-REQUIRED", RefusalKind.INVALID_TOKEN,
            "This API only accepts requests authenticated by App Service Authentication."),
    CALLER_MISMATCH("CG401-CALLER-MISMATCH", RefusalKind.INVALID_TOKEN,
            "The bearer token and the Easy Auth principal name different callers."),
    CALLER_TYPE("CG403-CALLER-TYPE", RefusalKind.INSUFFICIENT_SCOPE,
            "The caller is a user; this API accepts application callers only (CALLERGUARD_CALLER_TYPES)."),
    CALLER_NOT_ALLOWED("CG403-CALLER", RefusalKind.INSUFFICIENT_SCOPE,
            "The caller is not allowed to call this API."),
    APP_NOT_ALLOWED("CG403-APP", RefusalKind.INSUFFICIENT_SCOPE,
            "The calling application is not allowed to call this API."),
    ROLE_MISSING("CG403-ROLE", RefusalKind.INSUFFICIENT_SCOPE,
            "The caller lacks an app role this API requires."),
    SCOPE_MISSING("CG403-SCOPE", RefusalKind.INSUFFICIENT_SCOPE,
            "The delegated token lacks a scope this API requires; the challenge's scope attribute names them."),
    CHECK_FAILED("CG401-CHECK-FAILED", RefusalKind.INVALID_TOKEN,
            "The credentials could not be checked."),
    KEYS_UNAVAILABLE("CG503-KEYS", RefusalKind.UNAVAILABLE,
            "The tenant's signing keys cannot be retrieved; try again later."),
    NOT_CONFIGURED("CG503-SETTINGS", RefusalKind.UNAVAILABLE,
            "CallerGuard settings are invalid; see /api/health for the names of the settings in error."),
    NARROWING_EMPTY("CG503-NARROWING", RefusalKind.UNAVAILABLE,
            "This function's own narrowing of the caller policy is not valid under the app's settings; see the "
                    + "start-up log.");

    private final String id;
    private final RefusalKind kind;
    private final String description;

    Refusal(String id, RefusalKind kind, String description) {
        this.id = id;
        this.kind = kind;
        this.description = description;
    }

    /** Stable identifier such as {@code CG401-AUDIENCE}. */
    public String id() {
        return id;
    }

    public RefusalKind kind() {
        return kind;
    }

    /** Short factual description, safe to return to the caller: it contains no request data. */
    public String description() {
        return description;
    }
}
