package dev.callerguard.internal.decision;

/**
 * The RFC 6750 answer class of a refusal: which status and which {@code error} attribute it maps to.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750, section 3.1</a>
 */
public enum RefusalKind {
    /** No credentials at all: 401 with a challenge that carries no error attribute. */
    NO_CREDENTIALS(401, null),
    /** Malformed request, such as two tokens: 400 {@code invalid_request}. */
    INVALID_REQUEST(400, "invalid_request"),
    /** A token or principal that is not valid here: 401 {@code invalid_token}. */
    INVALID_TOKEN(401, "invalid_token"),
    /** A valid caller that is not allowed: 403 {@code insufficient_scope}. */
    INSUFFICIENT_SCOPE(403, "insufficient_scope"),
    /** The check itself could not run (signing keys cannot be had): 503. */
    UNAVAILABLE(503, null);

    private final int status;
    private final String errorCode;

    RefusalKind(int status, String errorCode) {
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    /** The RFC 6750 {@code error} value, or {@code null} where the challenge carries none. */
    public String errorCode() {
        return errorCode;
    }
}
