package dev.callerguard.azure;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Well-formed values for the {@code <placeholders>} that deploy.sh's dry run prints for what only Azure answers
 * ({@code <tenant-id>}, {@code <function-client-id>}, {@code <client-id-of-GUID>}, ...): an id gets a GUID made
 * from the placeholder's name, so the same name always gets the same GUID; any other placeholder must be listed
 * in {@link #NOT_IDS} with a value of its shape.
 */
final class DryRunPlaceholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9][A-Za-z0-9.-]*)>");
    /** Placeholders that are not GUIDs, with a fitting value. */
    private static final Map<String, String> NOT_IDS = Map.of(
            // The App Service plan of an existing function app: an Azure Resource Manager id (az parses --ids).
            "app-service-plan-id", "/subscriptions/" + UUID.nameUUIDFromBytes("subscription-id".getBytes(
                    StandardCharsets.UTF_8)) + "/resourceGroups/callerguard-rg/providers/Microsoft.Web/serverfarms/"
                    + "WestEuropeLinuxDynamicPlan");

    private DryRunPlaceholders() {
    }

    /** {@code line} with every placeholder replaced. */
    static String fill(String line) {
        return PLACEHOLDER.matcher(line).replaceAll(match -> Matcher.quoteReplacement(value(match.group(1))));
    }

    static String value(String name) {
        if (NOT_IDS.containsKey(name)) {
            return NOT_IDS.get(name);
        }
        if (name.endsWith("-id") || name.startsWith("client-id-of-")) {
            return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        }
        throw new AssertionError("deploy.sh printed the placeholder <" + name + ">, which is not an id: give it a"
                + " value of its shape in DryRunPlaceholders.NOT_IDS");
    }
}
