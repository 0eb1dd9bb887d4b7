package dev.callerguard.auth;

/**
 * Thrown by {@link JsonObjectParser} when the bytes are not strict JSON. Why exactly is not kept: the check
 * refuses any such credential the same way, and a refusal must cost no more than an acceptance, so there is one
 * instance and no stack trace.
 */
final class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    static final JsonSyntaxException INSTANCE = new JsonSyntaxException();

    private JsonSyntaxException() {
        super("not strict JSON", null, false, false);
    }
}
