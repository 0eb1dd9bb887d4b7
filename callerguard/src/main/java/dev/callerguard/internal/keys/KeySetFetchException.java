package dev.callerguard.internal.keys;

/** The key endpoint could not be read or held no usable key. */
public final class KeySetFetchException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeySetFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
