package dev.callerguard.testing;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.local.LocalHttpRequest;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the request a function receives, as the local host builds it ({@link LocalHttpRequest}: header names in
 * lower case); its responses are {@link dev.callerguard.local.LocalHttpResponse}s.
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

    private LocalHttpRequest built() {
        return new LocalHttpRequest(method, URI.create("http://localhost:7071" + path), headers, query, body);
    }

    @Override
    public URI getUri() {
        return built().getUri();
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return built().getHeaders();
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return built().getQueryParameters();
    }

    @Override
    public Optional<String> getBody() {
        return built().getBody();
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return built().createResponseBuilder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return built().createResponseBuilder(status);
    }
}
