package dev.callerguard.testing;

import dev.callerguard.internal.rules.CallerClaims;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link CallerClaims} for rule tests: {@link #valid(Instant)} holds the claims of the allowed caller's v1
 * token that pass every rule under the test settings; each test changes one thing.
 */
public final class TestClaims {
    public static final String V1_ISSUER = "https://sts.windows.net/" + TestIds.TENANT + "/";
    public static final String V2_ISSUER = "https://login.microsoftonline.com/" + TestIds.TENANT + "/v2.0";

    private Optional<String> issuer = Optional.of(V1_ISSUER);
    private Optional<String> tenantId = Optional.of(TestIds.TENANT);
    private List<String> audiences = List.of(TestIds.API_APP_ID_URI);
    private Optional<String> objectId = Optional.of(TestIds.ALLOWED_CALLER);
    private Optional<String> appId = Optional.of(TestIds.ALLOWED_CALLER_APP);
    private List<String> roles = List.of();
    private Optional<String> subject = Optional.of(TestIds.ALLOWED_CALLER);
    private Optional<String> identityType = Optional.of("app");
    private Optional<String> scopes = Optional.empty();
    private Optional<Long> expiresAt;
    private Optional<Long> notBefore;

    private TestClaims(Instant now) {
        long issuedAt = now.getEpochSecond() - 60;
        this.notBefore = Optional.of(issuedAt);
        this.expiresAt = Optional.of(issuedAt + 3600);
    }

    /** Claims of {@link TestIds#ALLOWED_CALLER}, valid for the next 59 minutes from {@code now}. */
    public static TestClaims valid(Instant now) {
        return new TestClaims(now);
    }

    /** {@code null} removes the claim. */
    public TestClaims issuer(String value) {
        issuer = Optional.ofNullable(value);
        return this;
    }

    public TestClaims tenantId(String value) {
        tenantId = Optional.ofNullable(value);
        return this;
    }

    public TestClaims audiences(String... values) {
        audiences = List.of(values);
        return this;
    }

    public TestClaims objectId(String value) {
        objectId = Optional.ofNullable(value);
        return this;
    }

    public TestClaims appId(String value) {
        appId = Optional.ofNullable(value);
        return this;
    }

    public TestClaims roles(String... values) {
        roles = List.of(values);
        return this;
    }

    public TestClaims subject(String value) {
        subject = Optional.ofNullable(value);
        return this;
    }

    public TestClaims identityType(String value) {
        identityType = Optional.ofNullable(value);
        return this;
    }

    public TestClaims scopes(String value) {
        scopes = Optional.ofNullable(value);
        return this;
    }

    public TestClaims expiresAt(Long epochSeconds) {
        expiresAt = Optional.ofNullable(epochSeconds);
        return this;
    }

    public TestClaims notBefore(Long epochSeconds) {
        notBefore = Optional.ofNullable(epochSeconds);
        return this;
    }

    public CallerClaims build() {
        return new CallerClaims(issuer, tenantId, audiences, objectId, appId, roles, subject, identityType, scopes,
                expiresAt, notBefore, Map.of());
    }
}
