package dev.callerguard.testing;

/**
 * The ids the tests use: those of the dev kit's local tenant ({@code dev.callerguard.local.LocalIdentities}, which
 * the library's tests cannot depend on; {@code LocalIdentitiesTest} checks both agree), and a few outsiders.
 */
public final class TestIds {
    public static final String TENANT = "7e57e57e-0000-4000-8000-000000000001";
    public static final String OTHER_TENANT = "0be7e57e-0000-4000-8000-000000000002";
    public static final String API_CLIENT_ID = "a7700000-0000-4000-8000-000000000001";
    public static final String API_APP_ID_URI = "api://" + API_CLIENT_ID;
    /** {@code apim}. */
    public static final String ALLOWED_CALLER = "a9100000-0000-4000-8000-000000000001";
    public static final String ALLOWED_CALLER_APP = "a9100000-0000-4000-8000-0000000000c1";
    /** {@code reporter}. */
    public static final String SECOND_ALLOWED_CALLER = "4e900000-0000-4000-8000-000000000001";
    /** {@code intruder}. */
    public static final String INTRUDER = "1b700000-0000-4000-8000-000000000001";
    public static final String INTRUDER_APP = "1b700000-0000-4000-8000-0000000000c1";

    private TestIds() {
    }
}
