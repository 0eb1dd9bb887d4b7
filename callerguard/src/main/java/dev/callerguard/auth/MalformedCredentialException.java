package dev.callerguard.auth;

/** A token or principal that cannot be read; mapped once to its refusal at the parsing boundary. */
final class MalformedCredentialException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    MalformedCredentialException(Refusal refusal, String detail) {
        super(detail, null, false, false);
        this.refusal = refusal;
    }

    Refusal refusal() {
        return refusal;
    }
}
