package dev.callerguard.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code Values} of {@code local.settings.json}, as Core Tools reads them; the process environment wins. */
public final class LocalSettings {
    private LocalSettings() {
    }

    /** The file's values with every name the environment also sets taken from the environment. */
    public static Map<String, String> read(Path file, Map<String, String> environment) throws IOException {
        JsonNode values = HttpExchanges.MAPPER.readTree(file.toFile()).path("Values");
        Map<String, String> settings = new LinkedHashMap<>();
        values.fields().forEachRemaining(field -> {
            if (!field.getValue().isNull()) {
                settings.put(field.getKey(), field.getValue().asText());
            }
        });
        settings.replaceAll((name, value) -> environment.getOrDefault(name, value));
        return settings;
    }
}
