package dev.callerguard.testing;

import dev.callerguard.internal.settings.GuardSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Valid settings for the test tenant and API, allowing {@link TestIds#ALLOWED_CALLER}; tests change one entry. */
public final class TestSettings {
    private TestSettings() {
    }

    public static Map<String, String> values(URI keysUrl) {
        Map<String, String> values = new HashMap<>();
        values.put(GuardSettings.TENANT_ID, TestIds.TENANT);
        values.put(GuardSettings.AUDIENCES, TestIds.API_APP_ID_URI + "," + TestIds.API_CLIENT_ID);
        values.put(GuardSettings.ALLOWED_CALLERS, TestIds.ALLOWED_CALLER + "," + TestIds.SECOND_ALLOWED_CALLER);
        values.put(GuardSettings.KEYS_URL, keysUrl.toString());
        return values;
    }

    public static GuardSettings load(URI keysUrl) {
        return GuardSettings.load(values(keysUrl));
    }
}
