package dev.callerguard.testing;

import dev.callerguard.local.LocalIdentities;

/** The ids the tests use: the local tenant and identities of {@link LocalIdentities}, and a few outsiders. */
public final class TestIds {
    public static final String TENANT = LocalIdentities.TENANT_ID;
    public static final String OTHER_TENANT = "0be7e57e-0000-4000-8000-000000000002";
    public static final String API_CLIENT_ID = LocalIdentities.API_CLIENT_ID;
    public static final String API_APP_ID_URI = "api://" + API_CLIENT_ID;
    public static final String ALLOWED_CALLER = LocalIdentities.APIM.objectId();
    public static final String ALLOWED_CALLER_APP = LocalIdentities.APIM.clientId();
    public static final String SECOND_ALLOWED_CALLER = LocalIdentities.REPORTER.objectId();
    public static final String INTRUDER = LocalIdentities.INTRUDER.objectId();
    public static final String INTRUDER_APP = LocalIdentities.INTRUDER.clientId();

    private TestIds() {
    }
}
