package dev.callerguard.testkit;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import dev.callerguard.local.LocalExecutionContext;
import dev.callerguard.local.LocalHttpRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The request and context a function receives, as the Functions host hands them to the Java worker (header names in
 * lower case), for calling a function directly in a unit test:
 *
 * <pre>{@code
 * HttpResponseMessage response = new Function(TENANT.guard()).run(
 *         FunctionRequest.get("/api/HttpExample").query("name", "Ada")
 *                 .header("Authorization", TENANT.authorization("apim")).build(),
 *         FunctionRequest.context("HttpExample"));
 * }</pre>
 *
 * Its responses are real {@code HttpResponseMessage}s: {@code getStatusCode()}, {@code getHeader(name)},
 * {@code getBody()}. A builder; not thread-safe.
 */
public final class FunctionRequest {
    private final HttpMethod method;
    private final String path;
    private final String body;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();

    private FunctionRequest(HttpMethod method, String path, String body) {
        this.method = method;
        this.path = path;
        this.body = body;
    }

    /** A GET of {@code path} (such as {@code /api/hello}). */
    public static FunctionRequest get(String path) {
        return new FunctionRequest(HttpMethod.GET, path, null);
    }

    /** A POST of {@code path} with {@code body}. */
    public static FunctionRequest post(String path, String body) {
        return new FunctionRequest(HttpMethod.POST, path, body);
    }

    /** The invocation context of {@code functionName}: a fresh invocation id, a logger named after the function. */
    public static ExecutionContext context(String functionName) {
        return new LocalExecutionContext(functionName);
    }

    public FunctionRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Every header of {@code headers}, such as {@link EmulatedTenant#headers(String)}. */
    public FunctionRequest headers(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }

    public FunctionRequest query(String name, String value) {
        query.put(name, value);
        return this;
    }

    /** The request, on {@code http://localhost:7071}. */
    public HttpRequestMessage<Optional<String>> build() {
        return new LocalHttpRequest(method, URI.create("http://localhost:7071" + path), headers, query, body);
    }
}
