package dev.callerguard.local;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.callerguard.internal.credentials.RequestHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/** The response a function built through {@link LocalHttpRequest#createResponseBuilder}. */
public record LocalHttpResponse(HttpStatusType status, Map<String, String> headers, Object body)
        implements HttpResponseMessage {

    public LocalHttpResponse {
        headers = Map.copyOf(headers);
    }

    @Override
    public HttpStatusType getStatus() {
        return status;
    }

    @Override
    public String getHeader(String name) {
        return headers.entrySet().stream()
                .filter(e -> RequestHeaders.lowerCaseName(e.getKey()).equals(RequestHeaders.lowerCaseName(name)))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    @Override
    public Object getBody() {
        return body;
    }

    /** The body as text, or {@code null}. */
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
            return new LocalHttpResponse(status, headers, body);
        }
    }
}
