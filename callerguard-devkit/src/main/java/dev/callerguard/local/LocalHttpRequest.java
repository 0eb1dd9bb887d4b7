package dev.callerguard.local;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.internal.credentials.RequestHeaders;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link HttpRequestMessage} as the Functions host hands it to the Java worker: header names in lower case
 * ({@link RequestHeaders#lowerCaseName}: A–Z only), query parameters decoded, the body as an optional string. Its
 * responses are {@link LocalHttpResponse}s.
 */
public final class LocalHttpRequest implements HttpRequestMessage<Optional<String>> {
    private final HttpMethod method;
    private final URI uri;
    private final Map<String, String> headers = new TreeMap<>();
    private final Map<String, String> query;
    private final String body;

    public LocalHttpRequest(HttpMethod method, URI uri, Map<String, String> headers, Map<String, String> query,
                            String body) {
        this.method = method;
        this.uri = uri;
        headers.forEach((name, value) -> this.headers.put(RequestHeaders.lowerCaseName(name), value));
        this.query = Map.copyOf(query);
        this.body = body;
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return query;
    }

    @Override
    public Optional<String> getBody() {
        return Optional.ofNullable(body);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new LocalHttpResponse.Builder().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new LocalHttpResponse.Builder().status(status);
    }
}
