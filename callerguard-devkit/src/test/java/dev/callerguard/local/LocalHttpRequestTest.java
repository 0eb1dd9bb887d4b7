package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpMethod;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request the local host hands a function: header names lower-cased in ASCII only (finding "header names
 * matched with Unicode case folding": {@code toLowerCase} turned the Kelvin sign into {@code k}).
 */
class LocalHttpRequestTest {
    private static LocalHttpRequest withHeaders(Map<String, String> headers) {
        return new LocalHttpRequest(HttpMethod.GET, URI.create("http://localhost:7071/api/hello"), headers, Map.of(),
                null);
    }

    @Test
    void headerNamesAreLowerCasedInAsciiOnly() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-MS-CLIENT-PRINCIPAL-ID", "ascii");
        headers.put("X-MS-TO\u212AEN-AAD-ACCESS-TOKEN", "kelvin sign");
        headers.put("X-MS-CL\u0130ENT-PRINCIPAL", "dotted capital I");
        headers.put("X-M\u017F-CLIENT-PRINCIPAL", "long s");

        assertThat(withHeaders(headers).getHeaders()).containsOnly(
                Map.entry("x-ms-client-principal-id", "ascii"),
                Map.entry("x-ms-to\u212Aen-aad-access-token", "kelvin sign"),
                Map.entry("x-ms-cl\u0130ent-principal", "dotted capital I"),
                Map.entry("x-m\u017F-client-principal", "long s"));
    }
}
