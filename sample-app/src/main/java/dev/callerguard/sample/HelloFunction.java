package dev.callerguard.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.callerguard.CallerGuard;
import dev.callerguard.VerifiedCaller;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET|POST /api/hello}: the archetype's greeting, for allowed callers only. The name comes from
 * {@code ?name=} or a JSON body {@code {"name": "..."}}; without one the caller's object id is greeted.
 */
public final class HelloFunction {
    static final int MAX_NAME_LENGTH = 100;
    static final String BAD_BODY = "The request body must be JSON like {\"name\": \"Ada\"}.";
    static final String BAD_NAME = "The name must be text of 1 to " + MAX_NAME_LENGTH + " characters.";

    private static final CallerGuard GUARD = CallerGuard.standard();

    private final CallerGuard guard;

    public HelloFunction() {
        this(GUARD);
    }

    HelloFunction(CallerGuard guard) {
        this.guard = guard;
    }

    @FunctionName("hello")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET, HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, route = "hello")
            HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return guard.handle(request, context, caller -> greet(request, caller));
    }

    private static HttpResponseMessage greet(HttpRequestMessage<Optional<String>> request, VerifiedCaller caller) {
        String name = request.getQueryParameters().get("name");
        Optional<String> body = request.getBody() == null ? Optional.empty() : request.getBody();
        if (name == null && request.getHttpMethod() == HttpMethod.POST && body.filter(b -> !b.isBlank()).isPresent()) {
            try {
                JsonNode json = Json.MAPPER.readTree(body.get());
                JsonNode field = json == null || !json.isObject() ? null : json.get("name");
                if (field == null || !field.isTextual()) {
                    return badRequest(request, BAD_BODY);
                }
                name = field.textValue();
            } catch (IOException e) {
                return badRequest(request, BAD_BODY);
            }
        }
        if (name == null) {
            name = caller.objectId();
        }
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            return badRequest(request, BAD_NAME);
        }
        return request.createResponseBuilder(HttpStatus.OK)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body("Hello, " + name + "!")
                .build();
    }

    private static HttpResponseMessage badRequest(HttpRequestMessage<?> request, String message) {
        return request.createResponseBuilder(HttpStatus.BAD_REQUEST)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(message)
                .build();
    }
}
