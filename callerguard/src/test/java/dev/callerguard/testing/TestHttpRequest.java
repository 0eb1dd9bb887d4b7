package dev.callerguard.testing;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.internal.credentials.RequestHeaders;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the request a function receives, as the Functions host hands it to the Java worker (header names in lower
 * case, as {@link RequestHeaders#lowerCaseName}); its responses are {@link TestHttpResponse}s.
 */
public final class TestHttpRequest implements HttpRequestMessage<Optional<String>> {
    private final HttpMethod method;
    private final String path;
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> query = new HashMap<>();
    private final String body;

    private TestHttpRequest(HttpMethod method, String path, String body) {
        this.method = method;
        this.path = path;
        this.body = body;
    }

    public static TestHttpRequest get(String path) {
        return new TestHttpRequest(HttpMethod.GET, path, null);
    }

    public static TestHttpRequest post(String path, String body) {
        return new TestHttpRequest(HttpMethod.POST, path, body);
    }

    public TestHttpRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public TestHttpRequest bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    public TestHttpRequest query(String name, String value) {
        query.put(name, value);
        return this;
    }


    @Override
    public URI getUri() {
        return URI.create("http://localhost:7071" + path);
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        Map<String, String> lowerCase = new TreeMap<>();
        headers.forEach((name, value) -> lowerCase.put(RequestHeaders.lowerCaseName(name), value));
        return lowerCase;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return Map.copyOf(query);
    }

    @Override
    public Optional<String> getBody() {
        return Optional.ofNullable(body);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new TestHttpResponse.Builder().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new TestHttpResponse.Builder().status(status);
    }
}
