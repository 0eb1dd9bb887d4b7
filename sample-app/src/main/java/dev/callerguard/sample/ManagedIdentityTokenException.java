package dev.callerguard.sample;

/** No token could be acquired for the app's managed identity. */
public final class ManagedIdentityTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public ManagedIdentityTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
