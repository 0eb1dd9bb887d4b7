package dev.callerguard.internal.credentials;

import dev.callerguard.internal.decision.Refusal;

/** A token or principal that cannot be read; mapped once to its refusal at the parsing boundary. */
public final class MalformedCredentialException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    public MalformedCredentialException(Refusal refusal, String detail) {
        super(detail, null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
