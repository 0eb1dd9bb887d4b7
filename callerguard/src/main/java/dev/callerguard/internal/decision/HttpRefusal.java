package dev.callerguard.internal.decision;

import java.util.Map;

/** A refusal as HTTP: status, headers and an {@code application/problem+json} body. */
public record HttpRefusal(int status, Map<String, String> headers, String body) {
    public HttpRefusal {
        headers = Map.copyOf(headers);
    }
}
