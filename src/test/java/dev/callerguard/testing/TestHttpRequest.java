package dev.callerguard.testing;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link HttpRequestMessage} as the Functions host hands it to the Java worker: header names in lower case.
 */
public final class TestHttpRequest implements HttpRequestMessage<Optional<String>> {
    private final HttpMethod method;
    private final URI uri;
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> query = new HashMap<>();
    private String body;

    private TestHttpRequest(HttpMethod method, String path) {
        this.method = method;
        this.uri = URI.create("http://localhost:7071" + path);
    }

    public static TestHttpRequest get(String path) {
        return new TestHttpRequest(HttpMethod.GET, path);
    }

    public static TestHttpRequest post(String path, String body) {
        TestHttpRequest request = new TestHttpRequest(HttpMethod.POST, path);
        request.body = body;
        return request;
    }

    /** Adds a header; the name is lower-cased as the host does. */
    public TestHttpRequest header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
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
        return new Response.Builder().status(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new Response.Builder().status(status);
    }

    /** The response the function built. */
    public record Response(HttpStatusType status, Map<String, String> headers, Object body)
            implements HttpResponseMessage {

        @Override
        public HttpStatusType getStatus() {
            return status;
        }

        @Override
        public String getHeader(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        @Override
        public Object getBody() {
            return body;
        }

        public String bodyText() {
            return body == null ? null : body.toString();
        }

        static final class Builder implements HttpResponseMessage.Builder {
            private HttpStatusType status = HttpStatus.OK;
            private final Map<String, String> headers = new LinkedHashMap<>();
            private Object body;

            @Override
            public Builder status(HttpStatusType status) {
                this.status = status;
                return this;
            }

            @Override
            public Builder header(String key, String value) {
                headers.put(key, value);
                return this;
            }

            @Override
            public Builder body(Object body) {
                this.body = body;
                return this;
            }

            @Override
            public HttpResponseMessage build() {
                return new Response(status, Map.copyOf(headers), body);
            }
        }
    }
}
