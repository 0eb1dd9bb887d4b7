package dev.callerguard.internal.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.testing.TestIds;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GuardSettingsTest {
    private static final String TENANT = TestIds.TENANT;

    /** The required settings only, all valid; every optional setting takes its default. */
    private static Map<String, String> values() {
        Map<String, String> values = new HashMap<>();
        values.put(GuardSettings.TENANT_ID, TENANT);
        values.put(GuardSettings.AUDIENCES, TestIds.API_APP_ID_URI + "," + TestIds.API_CLIENT_ID);
        values.put(GuardSettings.ALLOWED_CALLERS, TestIds.ALLOWED_CALLER + "," + TestIds.SECOND_ALLOWED_CALLER);
        return values;
    }

    private static Map<String, String> valuesWith(String setting, String value) {
        Map<String, String> values = values();
        values.put(setting, value);
        return values;
    }

    private static InvalidSettingsException problems(Map<String, String> values) {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class,
                () -> GuardSettings.load(values));
        assertThat(e).as("settings should be refused").isNotNull();
        return e;
    }

    private static SettingProblem onlyProblem(Map<String, String> values) {
        InvalidSettingsException e = problems(values);
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    // --- required settings ------------------------------------------------------------------------------------

    @Test
    void loadsValidRequiredSettings() {
        GuardSettings settings = GuardSettings.load(values());

        assertThat(settings.tenantId()).isEqualTo(TENANT);
        assertThat(settings.audiences()).containsExactlyInAnyOrder(TestIds.API_APP_ID_URI, TestIds.API_CLIENT_ID);
        assertThat(settings.policy().anyCaller()).isFalse();
        assertThat(settings.policy().allowedCallers())
                .containsExactlyInAnyOrder(TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER);
        assertThat(settings.policy().allowedApps()).isEmpty();
        assertThat(settings.policy().requiredRoles()).isEmpty();
    }

    @Test
    void reportsEveryMissingRequiredSettingAtOnce() {
        InvalidSettingsException e = problems(new HashMap<>());

        assertThat(e.settingNames()).containsExactlyInAnyOrder(
                GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.ALLOWED_CALLERS);
        assertThat(e.problems()).allSatisfy(problem -> assertThat(problem.message()).contains("e.g."));
        assertThat(e.getMessage()).contains(
                GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.ALLOWED_CALLERS);
    }

    @Test
    void treatsBlankRequiredSettingsAsMissing() {
        Map<String, String> values = new HashMap<>();
        values.put(GuardSettings.TENANT_ID, "  ");
        values.put(GuardSettings.AUDIENCES, " , ,");
        values.put(GuardSettings.ALLOWED_CALLERS, "");

        assertThat(problems(values).settingNames()).containsExactlyInAnyOrder(
                GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.ALLOWED_CALLERS);
    }

    @Test
    void reportsProblemsOfRequiredAndOptionalSettingsTogether() {
        Map<String, String> values = values();
        values.remove(GuardSettings.AUDIENCES);
        values.put(GuardSettings.CLOCK_SKEW_SECONDS, "-1");
        values.put(GuardSettings.EASY_AUTH, "sometimes");
        values.put(GuardSettings.KEYS_URL, "ftp://keys.example.net/keys");

        assertThat(problems(values).settingNames()).containsExactlyInAnyOrder(GuardSettings.AUDIENCES,
                GuardSettings.CLOCK_SKEW_SECONDS, GuardSettings.EASY_AUTH, GuardSettings.KEYS_URL);
    }

    @Test
    void canonicalizesTenantIdToLowerCase() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.TENANT_ID, "  " + TENANT.toUpperCase() + " "));

        assertThat(settings.tenantId()).isEqualTo(TENANT);
    }

    @Test
    void rejectsTenantIdThatIsADomainName() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.TENANT_ID, "contoso.onmicrosoft.com"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.TENANT_ID);
        assertThat(problem.message()).contains("72f988bf-86f1-41af-91ab-2d7cd011db47");
    }

    @ParameterizedTest
    @ValueSource(strings = {"common", "organizations", "consumers"})
    void rejectsMultiTenantTemplateAsTenantId(String template) {
        assertThat(onlyProblem(valuesWith(GuardSettings.TENANT_ID, template)).setting())
                .isEqualTo(GuardSettings.TENANT_ID);
    }

    @Test
    void trimsAndDeduplicatesAudiences() {
        GuardSettings settings = GuardSettings.load(valuesWith(GuardSettings.AUDIENCES,
                " " + TestIds.API_APP_ID_URI + " ,," + TestIds.API_APP_ID_URI + ", " + TestIds.API_CLIENT_ID));

        assertThat(settings.audiences()).containsExactlyInAnyOrder(TestIds.API_APP_ID_URI, TestIds.API_CLIENT_ID);
    }

    // --- allowed callers, apps and roles ----------------------------------------------------------------------

    @Test
    void allowsAnyCallerWhenAllowedCallersIsStarAlone() {
        CallerPolicy policy = GuardSettings.load(valuesWith(GuardSettings.ALLOWED_CALLERS, " * ")).policy();

        assertThat(policy.anyCaller()).isTrue();
        assertThat(policy.allowedCallers()).isEmpty();
    }

    @Test
    void rejectsStarMixedWithObjectIds() {
        SettingProblem problem = onlyProblem(
                valuesWith(GuardSettings.ALLOWED_CALLERS, "*," + TestIds.ALLOWED_CALLER));

        assertThat(problem.setting()).isEqualTo(GuardSettings.ALLOWED_CALLERS);
        assertThat(problem.message()).contains("*");
    }

    @Test
    void canonicalizesAllowedCallersToLowerCase() {
        CallerPolicy policy = GuardSettings.load(
                valuesWith(GuardSettings.ALLOWED_CALLERS, TestIds.ALLOWED_CALLER.toUpperCase())).policy();

        assertThat(policy.allowedCallers()).containsExactly(TestIds.ALLOWED_CALLER);
    }

    @Test
    void rejectsAllowedCallerThatIsNotAGuid() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.ALLOWED_CALLERS,
                TestIds.ALLOWED_CALLER + ",alice@contoso.com"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.ALLOWED_CALLERS);
        assertThat(problem.message()).contains("e.g.");
    }

    @Test
    void allowsAnyAppWhenAllowedAppsIsUnset() {
        assertThat(GuardSettings.load(values()).policy().allowedApps()).isEmpty();
    }

    @Test
    void readsAllowedAppsAsCanonicalGuids() {
        CallerPolicy policy = GuardSettings.load(valuesWith(GuardSettings.ALLOWED_APPS,
                TestIds.ALLOWED_CALLER_APP.toUpperCase() + ", " + TestIds.INTRUDER_APP)).policy();

        assertThat(policy.allowedApps()).containsExactlyInAnyOrder(TestIds.ALLOWED_CALLER_APP, TestIds.INTRUDER_APP);
    }

    @Test
    void rejectsAllowedAppThatIsNotAGuid() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.ALLOWED_APPS, "my-client-app"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.ALLOWED_APPS);
        assertThat(problem.message()).contains("e.g.");
    }

    @Test
    void readsRequiredRoles() {
        CallerPolicy policy = GuardSettings.load(
                valuesWith(GuardSettings.REQUIRED_ROLES, "Function.Invoke, Reports.Read")).policy();

        assertThat(policy.requiredRoles()).containsExactlyInAnyOrder("Function.Invoke", "Reports.Read");
    }

    @Test
    void rejectsRequiredRoleContainingASpace() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.REQUIRED_ROLES, "Reports Read"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.REQUIRED_ROLES);
        assertThat(problem.message()).contains("e.g.");
    }

    // --- authority, issuers, keys URL -------------------------------------------------------------------------

    @Test
    void defaultsAuthorityToPublicCloud() {
        assertThat(GuardSettings.load(values()).authority()).isEqualTo(URI.create("https://login.microsoftonline.com"));
    }

    @Test
    void acceptsHttpsAuthorityAndDropsItsTrailingSlash() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.AUTHORITY, "https://login.microsoftonline.us/"));

        assertThat(settings.authority()).isEqualTo(URI.create("https://login.microsoftonline.us"));
    }

    /**
     * Second review, finding "settings that pass the start-up check but can never work": these authorities loaded,
     * then every genuine v2 token was refused as ISSUER. Now each is the authority Entra writes into issuers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"https://Login.MicrosoftOnline.com", "https://login.microsoftonline.com:443",
        "HTTPS://login.microsoftonline.com/", "https://login.microsoftonline.com.",
        "https://LOGIN.microsoftonline.com.:443/"})
    void normalisesTheAuthoritySoThatGenuineV2IssuersMatch(String authority) {
        GuardSettings settings = GuardSettings.load(valuesWith(GuardSettings.AUTHORITY, authority));

        assertThat(settings.authority()).isEqualTo(URI.create("https://login.microsoftonline.com"));
        assertThat(settings.issuers()).contains("https://login.microsoftonline.com/" + TENANT + "/v2.0");
        assertThat(settings.keysUrl()).isEqualTo(URI.create("https://login.microsoftonline.com/" + TENANT
                + "/discovery/v2.0/keys"));
    }

    @Test
    void keepsAPortThatIsNotTheSchemesDefault() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.AUTHORITY, "http://LocalHost:7072/")).authority())
                .isEqualTo(URI.create("http://localhost:7072"));
    }

    /** Same finding: a keys URL with port 0 or 99999 loaded, then every request was 503 while health said ok. */
    @ParameterizedTest
    @CsvSource({"CALLERGUARD_KEYS_URL, https://login.microsoftonline.com:0/t/discovery/v2.0/keys",
        "CALLERGUARD_KEYS_URL, https://login.microsoftonline.com:99999/t/discovery/v2.0/keys",
        "CALLERGUARD_AUTHORITY, https://login.microsoftonline.com:0",
        "CALLERGUARD_AUTHORITY, http://localhost:65536"})
    void aPortOutsideOneTo65535IsAStartProblem(String setting, String url) {
        SettingProblem problem = onlyProblem(valuesWith(setting, url));

        assertThat(problem.setting()).isEqualTo(setting);
        assertThat(problem.message()).contains("port from 1 to 65535", "e.g.");
    }

    @Test
    void acceptsPlainHttpAuthorityOnLocalhost() {
        GuardSettings settings = GuardSettings.load(valuesWith(GuardSettings.AUTHORITY, "http://localhost:8080"));

        assertThat(settings.authority()).isEqualTo(URI.create("http://localhost:8080"));
    }

    @Test
    void rejectsPlainHttpAuthorityElsewhere() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.AUTHORITY, "http://login.example.net"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.AUTHORITY);
        assertThat(problem.message()).contains("https", "e.g.");
    }

    @Test
    void rejectsAuthorityWithAPath() {
        SettingProblem problem = onlyProblem(
                valuesWith(GuardSettings.AUTHORITY, "https://login.microsoftonline.com/" + TENANT));

        assertThat(problem.setting()).isEqualTo(GuardSettings.AUTHORITY);
        assertThat(problem.message()).contains("path", "e.g.");
    }

    /** A query, fragment or user info would end up inside every default issuer and the default keys URL. */
    @ParameterizedTest
    @ValueSource(strings = {"https://login.microsoftonline.com?tenant=x", "https://login.microsoftonline.com#top",
        "https://user@login.microsoftonline.com"})
    void rejectsAuthorityWithMoreThanSchemeHostAndPort(String authority) {
        assertThat(onlyProblem(valuesWith(GuardSettings.AUTHORITY, authority)).setting())
                .isEqualTo(GuardSettings.AUTHORITY);
    }

    @Test
    void rejectsAuthorityThatIsNotAnAbsoluteUrl() {
        assertThat(onlyProblem(valuesWith(GuardSettings.AUTHORITY, "login.microsoftonline.com")).setting())
                .isEqualTo(GuardSettings.AUTHORITY);
    }

    @Test
    void defaultsIssuersToTenantsV2AndV1Issuers() {
        assertThat(GuardSettings.load(values()).issuers()).containsExactlyInAnyOrder(
                "https://login.microsoftonline.com/" + TENANT + "/v2.0",
                "https://sts.windows.net/" + TENANT + "/");
    }

    @Test
    void defaultsV1IssuerToChinaStsForChinaAuthority() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.AUTHORITY, "https://login.chinacloudapi.cn"));

        assertThat(settings.issuers()).containsExactlyInAnyOrder(
                "https://login.chinacloudapi.cn/" + TENANT + "/v2.0",
                "https://sts.chinacloudapi.cn/" + TENANT + "/");
    }

    /** 21Vianet's current authority host; its v1 tokens are still issued by sts.chinacloudapi.cn. */
    @Test
    void defaultsV1IssuerToChinaStsForPartnerChinaAuthority() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.AUTHORITY, "https://login.partner.microsoftonline.cn"));

        assertThat(settings.issuers()).containsExactlyInAnyOrder(
                "https://login.partner.microsoftonline.cn/" + TENANT + "/v2.0",
                "https://sts.chinacloudapi.cn/" + TENANT + "/");
    }

    @Test
    void usesConfiguredIssuersInsteadOfDefaults() {
        GuardSettings settings = GuardSettings.load(valuesWith(GuardSettings.ISSUERS,
                "https://issuer.example/one, https://issuer.example/two"));

        assertThat(settings.issuers()).containsExactlyInAnyOrder(
                "https://issuer.example/one", "https://issuer.example/two");
    }

    @Test
    void defaultsKeysUrlToTenantsDiscoveryKeysOfAuthority() {
        assertThat(GuardSettings.load(values()).keysUrl()).isEqualTo(
                URI.create("https://login.microsoftonline.com/" + TENANT + "/discovery/v2.0/keys"));
    }

    @Test
    void defaultsKeysUrlUnderConfiguredAuthority() {
        GuardSettings settings = GuardSettings.load(valuesWith(GuardSettings.AUTHORITY, "http://localhost:8080/"));

        assertThat(settings.keysUrl()).isEqualTo(
                URI.create("http://localhost:8080/" + TENANT + "/discovery/v2.0/keys"));
    }

    @Test
    void usesConfiguredKeysUrl() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.KEYS_URL, "https://keys.example.net/tenant/keys"));

        assertThat(settings.keysUrl()).isEqualTo(URI.create("https://keys.example.net/tenant/keys"));
    }

    @Test
    void acceptsPlainHttpKeysUrlOnLoopback() {
        GuardSettings settings = GuardSettings.load(
                valuesWith(GuardSettings.KEYS_URL, "http://127.0.0.1:8089/" + TENANT + "/discovery/v2.0/keys"));

        assertThat(settings.keysUrl().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void rejectsPlainHttpKeysUrlElsewhere() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.KEYS_URL, "http://keys.example.net/keys"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.KEYS_URL);
        assertThat(problem.message()).contains("https", "e.g.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "[::1]", "::1"})
    void treatsLocalhostAndTheLoopbackAddressesAsThisMachine(String host) {
        assertThat(GuardSettings.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"login.example.net", "localhost.example.net", "127.0.0.1.example.net", "0.0.0.0",
        "[::]", "::", "[::2]"})
    void treatsOtherHostsAsOtherMachines(String host) {
        assertThat(GuardSettings.isLoopback(host)).isFalse();
    }

    @Test
    void rejectsKeysUrlWithAnotherScheme() {
        assertThat(onlyProblem(valuesWith(GuardSettings.KEYS_URL, "ftp://keys.example.net/keys")).setting())
                .isEqualTo(GuardSettings.KEYS_URL);
    }

    // --- Easy Auth --------------------------------------------------------------------------------------------

    @Test
    void defaultsEasyAuthToAuto() {
        assertThat(GuardSettings.load(values()).easyAuthMode()).isEqualTo(EasyAuthMode.AUTO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "AUTO", " Auto "})
    void readsEasyAuthAutoWrittenOutInAnyCase(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.EASY_AUTH, value)).easyAuthMode())
                .isEqualTo(EasyAuthMode.AUTO);
    }

    @Test
    void readsEasyAuthOffInAnyCase() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.EASY_AUTH, "Off")).easyAuthMode())
                .isEqualTo(EasyAuthMode.OFF);
    }

    @Test
    void readsEasyAuthRequiredWhenPlatformRunsEasyAuth() {
        Map<String, String> values = valuesWith(GuardSettings.EASY_AUTH, "required");
        values.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");

        assertThat(GuardSettings.load(values).easyAuthMode()).isEqualTo(EasyAuthMode.REQUIRED);
    }

    @Test
    void rejectsEasyAuthRequiredWithoutWebsiteAuthEnabled() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.EASY_AUTH, "required"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.EASY_AUTH);
        assertThat(problem.message()).contains(GuardSettings.WEBSITE_AUTH_ENABLED);
    }

    @Test
    void rejectsEasyAuthRequiredWhenWebsiteAuthEnabledIsFalse() {
        Map<String, String> values = valuesWith(GuardSettings.EASY_AUTH, "required");
        values.put(GuardSettings.WEBSITE_AUTH_ENABLED, "false");

        assertThat(onlyProblem(values).setting()).isEqualTo(GuardSettings.EASY_AUTH);
    }

    @Test
    void rejectsUnknownEasyAuthMode() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.EASY_AUTH, "sometimes"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.EASY_AUTH);
        assertThat(problem.message()).contains("auto", "off", "required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", " true "})
    void readsWebsiteAuthEnabledInAnyCase(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.WEBSITE_AUTH_ENABLED, value)).easyAuthEnabled())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "1", "yes", ""})
    void treatsWebsiteAuthEnabledOtherThanTrueAsOff(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.WEBSITE_AUTH_ENABLED, value)).easyAuthEnabled())
                .isFalse();
    }

    @Test
    void trustsPrincipalHeaderInAutoModeWhenPlatformRunsEasyAuth() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.WEBSITE_AUTH_ENABLED, "true"))
                .trustsPrincipalHeader()).isTrue();
    }

    @Test
    void doesNotTrustPrincipalHeaderWhenPlatformDoesNotRunEasyAuth() {
        assertThat(GuardSettings.load(values()).trustsPrincipalHeader()).isFalse();
    }

    @Test
    void doesNotTrustPrincipalHeaderWhenEasyAuthIsOff() {
        Map<String, String> values = valuesWith(GuardSettings.EASY_AUTH, "off");
        values.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");

        assertThat(GuardSettings.load(values).trustsPrincipalHeader()).isFalse();
    }

    // --- clock skew -------------------------------------------------------------------------------------------

    @Test
    void defaultsClockSkewToSixtySeconds() {
        assertThat(GuardSettings.load(values()).clockSkew()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void acceptsClockSkewOfZero() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CLOCK_SKEW_SECONDS, "0")).clockSkew())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void acceptsClockSkewOfTenMinutes() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CLOCK_SKEW_SECONDS, "600")).clockSkew())
                .isEqualTo(Duration.ofMinutes(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "601", "1.5", "ten"})
    void rejectsClockSkewOutsideZeroToTenMinutes(String value) {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.CLOCK_SKEW_SECONDS, value));

        assertThat(problem.setting()).isEqualTo(GuardSettings.CLOCK_SKEW_SECONDS);
        assertThat(problem.message()).contains("e.g.");
    }

    // --- key refresh -------------------------------------------------------------------------------------------

    @Test
    void defaultsKeysRefreshToSixtyMinutes() {
        assertThat(GuardSettings.load(values()).keysRefresh()).isEqualTo(Duration.ofMinutes(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "5", "1440"})
    void acceptsKeysRefreshFromOneMinuteToADay(String minutes) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.KEYS_REFRESH_MINUTES, minutes)).keysRefresh())
                .isEqualTo(Duration.ofMinutes(Long.parseLong(minutes)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1441", "1.5", "hourly", "60m"})
    void rejectsKeysRefreshOutsideOneMinuteToADay(String value) {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.KEYS_REFRESH_MINUTES, value));

        assertThat(problem.setting()).isEqualTo(GuardSettings.KEYS_REFRESH_MINUTES);
        assertThat(problem.message()).contains("from 1 to 1440", "e.g. 60");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF16\uFF10", "\u0666\u0660", "1234567890123456789012", "+60", " 6 0"})
    void readsWholeNumbersInAsciiDigitsOnly(String value) {
        assertThat(onlyProblem(valuesWith(GuardSettings.KEYS_REFRESH_MINUTES, value)).setting())
                .isEqualTo(GuardSettings.KEYS_REFRESH_MINUTES);
        assertThat(onlyProblem(valuesWith(GuardSettings.CLOCK_SKEW_SECONDS, value)).setting())
                .isEqualTo(GuardSettings.CLOCK_SKEW_SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"o\uFB00", "requ\u0131red", "\u212Auto"})
    void readsEasyAuthModeInAsciiCaseOnly(String value) {
        assertThat(onlyProblem(valuesWith(GuardSettings.EASY_AUTH, value)).setting()).isEqualTo(GuardSettings.EASY_AUTH);
    }

    @Test
    void keysAreKeptFor23HoursPastADueRefreshWhateverTheInterval() {
        for (String minutes : List.of("1", "60", "1440")) {
            Duration interval = GuardSettings.load(valuesWith(GuardSettings.KEYS_REFRESH_MINUTES, minutes)).keysRefresh();
            KeySetCache.Timing timing = KeySetCache.Timing.DEFAULT.refreshingEvery(interval);

            assertThat(timing.maxAge().minus(timing.refreshAfter())).as(minutes).isEqualTo(Duration.ofHours(23));
        }
        assertThat(KeySetCache.Timing.DEFAULT.maxAge()).isEqualTo(Duration.ofHours(24));
    }

    // --- required scopes ------------------------------------------------------------------------------------------

    @Test
    void readsRequiredScopesInTheirOrderWhenUsersAreCallers() {
        Map<String, String> values = valuesWith(GuardSettings.CALLER_TYPES, "app,user");
        values.put(GuardSettings.REQUIRED_SCOPES, " Orders.Write , Orders.Read,");

        assertThat(GuardSettings.load(values).policy().requiredScopes()).containsExactly("Orders.Write", "Orders.Read");
    }

    @Test
    void requiresNoScopeByDefault() {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CALLER_TYPES, "app,user")).policy().requiredScopes())
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders.Read Orders.Write", "Orders\"Read", "Orders\\Read", "Bestellungen.L\u00e4sen"})
    void refusesAScopeThatIsNoScopeValue(String value) {
        Map<String, String> values = valuesWith(GuardSettings.CALLER_TYPES, "app,user");
        values.put(GuardSettings.REQUIRED_SCOPES, value);

        SettingProblem problem = onlyProblem(values);

        assertThat(problem.setting()).isEqualTo(GuardSettings.REQUIRED_SCOPES);
        assertThat(problem.message()).contains("comma-separated", "e.g. Orders.Read,Orders.Write");
    }

    /** Application callers carry no scopes: a required scope while only they may call would be a setting with no effect. */
    @Test
    void refusesRequiredScopesWhileOnlyApplicationsMayCall() {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.REQUIRED_SCOPES, "Orders.Read"));

        assertThat(problem.setting()).isEqualTo(GuardSettings.REQUIRED_SCOPES);
        assertThat(problem.message()).contains("delegated (user) callers only", GuardSettings.CALLER_TYPES,
                "app,user");
    }

    // --- logging of allowances ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", " True "})
    void readsLogAllowedTrue(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.LOG_ALLOWED, value)).logAllowed()).isTrue();
    }

    @Test
    void logsAllowancesAtFineByDefault() {
        assertThat(GuardSettings.load(values()).logAllowed()).isFalse();
        assertThat(GuardSettings.load(valuesWith(GuardSettings.LOG_ALLOWED, "false")).logAllowed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "info"})
    void refusesALogAllowedThatIsNotTrueOrFalse(String value) {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.LOG_ALLOWED, value));

        assertThat(problem.setting()).isEqualTo(GuardSettings.LOG_ALLOWED);
        assertThat(problem.message()).contains("true or false");
    }

    // --- caller types --------------------------------------------------------------------------------------------

    @Test
    void defaultsCallerTypesToApplicationsOnly() {
        assertThat(GuardSettings.load(values()).userCallers()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "APP", " app "})
    void readsCallerTypesApp(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CALLER_TYPES, value)).userCallers()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app,user", "user,app", "App, User"})
    void readsCallerTypesAppAndUser(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CALLER_TYPES, value)).userCallers()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "apps", "app,user,guest", "*", "app;user"})
    void rejectsOtherCallerTypes(String value) {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.CALLER_TYPES, value));

        assertThat(problem.setting()).isEqualTo(GuardSettings.CALLER_TYPES);
        assertThat(problem.message()).contains("app (the default", "app,user");
    }

    // --- crypto ---------------------------------------------------------------------------------------------------

    @Test
    void defaultsCryptoToAuto() {
        assertThat(GuardSettings.load(values()).crypto()).isEqualTo(CryptoChoice.AUTO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "AUTO", " Auto "})
    void readsCryptoAuto(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CRYPTO, value)).crypto()).isEqualTo(CryptoChoice.AUTO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "JDK", " Jdk "})
    void readsCryptoJdk(String value) {
        assertThat(GuardSettings.load(valuesWith(GuardSettings.CRYPTO, value)).crypto()).isEqualTo(CryptoChoice.JDK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "accp", "openssl", "jdk,auto", "\u0130dk"})
    void rejectsOtherCryptoValues(String value) {
        SettingProblem problem = onlyProblem(valuesWith(GuardSettings.CRYPTO, value));

        assertThat(problem.setting()).isEqualTo(GuardSettings.CRYPTO);
        assertThat(problem.message()).contains("auto (the default", "jdk");
    }

    @Test
    void reportsTheNewSettingsProblemsWithTheOthersAtOnce() {
        Map<String, String> values = values();
        values.put(GuardSettings.KEYS_REFRESH_MINUTES, "0");
        values.put(GuardSettings.CALLER_TYPES, "user");
        values.put(GuardSettings.CLOCK_SKEW_SECONDS, "-1");
        values.put(GuardSettings.CRYPTO, "native");

        assertThat(problems(values).settingNames()).containsExactlyInAnyOrder(GuardSettings.KEYS_REFRESH_MINUTES,
                GuardSettings.CALLER_TYPES, GuardSettings.CLOCK_SKEW_SECONDS, GuardSettings.CRYPTO);
    }

    // --- no value in any message ------------------------------------------------------------------------------

    static Stream<Arguments> wrongValues() {
        return Stream.of(
                Arguments.of(GuardSettings.TENANT_ID, "secret-tenant.example"),
                Arguments.of(GuardSettings.ALLOWED_CALLERS, "alice-secret@contoso.example"),
                Arguments.of(GuardSettings.ALLOWED_CALLERS, "*,d3adbeef-0000-4000-8000-00000000dead"),
                Arguments.of(GuardSettings.ALLOWED_APPS, "secret-client-app"),
                Arguments.of(GuardSettings.REQUIRED_ROLES, "Secret Role"),
                Arguments.of(GuardSettings.AUTHORITY, "http://authority.secret.example"),
                Arguments.of(GuardSettings.AUTHORITY, "https://login.microsoftonline.com/secret-path"),
                Arguments.of(GuardSettings.AUTHORITY, "not a secret url"),
                Arguments.of(GuardSettings.KEYS_URL, "http://keys.secret.example/jwks"),
                Arguments.of(GuardSettings.KEYS_URL, "gopher://keys.secret.example/jwks"),
                Arguments.of(GuardSettings.EASY_AUTH, "secretmode"),
                Arguments.of(GuardSettings.CLOCK_SKEW_SECONDS, "-12345"),
                Arguments.of(GuardSettings.CLOCK_SKEW_SECONDS, "987654"),
                Arguments.of(GuardSettings.KEYS_REFRESH_MINUTES, "secret-interval"),
                Arguments.of(GuardSettings.CALLER_TYPES, "secret-type"),
                Arguments.of(GuardSettings.CRYPTO, "secret-provider"));
    }

    @ParameterizedTest
    @MethodSource("wrongValues")
    void neverQuotesTheWrongValueInItsMessage(String setting, String wrongValue) {
        InvalidSettingsException e = problems(valuesWith(setting, wrongValue));

        assertThat(e.settingNames()).containsExactly(setting);
        assertThat(e.problems()).allSatisfy(problem -> assertThat(problem.message()).doesNotContain(wrongValue));
        assertThat(e.getMessage()).doesNotContain(wrongValue);
    }
}
