package dev.callerguard.internal.settings;

import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.rules.Guids;
import dev.callerguard.internal.token.CryptoChoice;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * CallerGuard's app settings, read once into an immutable value. {@link #load} reports every problem at
 * once, each naming the setting and an example of a good value.
 *
 * @param tenantId          canonical tenant GUID
 * @param audiences         accepted {@code aud} values
 * @param policy            the app-wide caller allowlist
 * @param authority         e.g. {@code https://login.microsoftonline.com}
 * @param issuers           accepted {@code iss} values, matched exactly
 * @param keysUrl           the tenant's JWKS
 * @param easyAuthMode      trust mode for the principal header
 * @param easyAuthEnabled   {@code WEBSITE_AUTH_ENABLED} is {@code true}: the platform runs Easy Auth
 * @param clockSkew         tolerance for {@code exp} and {@code nbf}
 * @param keysRefresh       how often the key set is fetched again
 * @param userCallers       {@code true} when {@code CALLERGUARD_CALLER_TYPES} is {@code app,user}: delegated (user)
 *                          tokens and principals of users are accepted besides application callers
 * @param crypto            {@code CALLERGUARD_CRYPTO}: the RSA provider that may verify signatures
 * @param logAllowed        {@code CALLERGUARD_LOG_ALLOWED} is {@code true}: an allowed request is logged at INFO, as
 *                          refusals are, instead of FINE (decisions are counted as metrics either way)
 */
public record GuardSettings(String tenantId, Set<String> audiences, CallerPolicy policy, URI authority,
                            Set<String> issuers, URI keysUrl, EasyAuthMode easyAuthMode, boolean easyAuthEnabled,
                            Duration clockSkew, Duration keysRefresh, boolean userCallers,
                            CryptoChoice crypto, boolean logAllowed) {

    public static final String TENANT_ID = "CALLERGUARD_TENANT_ID";
    public static final String AUDIENCES = "CALLERGUARD_AUDIENCES";
    public static final String ALLOWED_CALLERS = "CALLERGUARD_ALLOWED_CALLERS";
    public static final String ALLOWED_APPS = "CALLERGUARD_ALLOWED_APPS";
    public static final String REQUIRED_ROLES = "CALLERGUARD_REQUIRED_ROLES";
    public static final String REQUIRED_SCOPES = "CALLERGUARD_REQUIRED_SCOPES";
    public static final String AUTHORITY = "CALLERGUARD_AUTHORITY";
    public static final String ISSUERS = "CALLERGUARD_ISSUERS";
    public static final String KEYS_URL = "CALLERGUARD_KEYS_URL";
    public static final String EASY_AUTH = "CALLERGUARD_EASY_AUTH";
    public static final String CLOCK_SKEW_SECONDS = "CALLERGUARD_CLOCK_SKEW_SECONDS";
    public static final String KEYS_REFRESH_MINUTES = "CALLERGUARD_KEYS_REFRESH_MINUTES";
    public static final String CALLER_TYPES = "CALLERGUARD_CALLER_TYPES";
    public static final String CRYPTO = "CALLERGUARD_CRYPTO";
    public static final String LOG_ALLOWED = "CALLERGUARD_LOG_ALLOWED";
    /** Set by App Service when App Service Authentication (Easy Auth) is on. */
    public static final String WEBSITE_AUTH_ENABLED = "WEBSITE_AUTH_ENABLED";

    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_KEYS_REFRESH = Duration.ofMinutes(60);
    static final Duration MAX_KEYS_REFRESH = Duration.ofMinutes(1440);

    private static final String EXAMPLE_GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    /** An optional minus and at most 18 ASCII digits: always within a long. */
    private static final Pattern ASCII_INTEGER = Pattern.compile("-?[0-9]{1,18}");

    public GuardSettings {
        audiences = Set.copyOf(audiences);
        issuers = Set.copyOf(issuers);
    }

    /** Reads the settings from a map (tests, {@code local.settings.json}). */
    public static GuardSettings load(Map<String, String> values) {
        return load(values::get);
    }

    /**
     * Reads and validates every setting.
     *
     * @throws InvalidSettingsException listing every problem found
     */
    public static GuardSettings load(Function<String, String> lookup) {
        List<SettingProblem> problems = new ArrayList<>();
        Reader in = new Reader(lookup, problems);

        String tenant = in.guid(TENANT_ID);
        Set<String> audiences = in.list(AUDIENCES, "api://" + EXAMPLE_GUID + "," + EXAMPLE_GUID);
        CallerPolicy policy = in.policy();
        URI authority = in.authority();
        EasyAuthMode mode = in.easyAuthMode();
        boolean easyAuthEnabled = "true".equalsIgnoreCase(trimmed(lookup.apply(WEBSITE_AUTH_ENABLED)));
        Duration skew = in.clockSkew();
        Duration keysRefresh = in.keysRefresh();
        boolean userCallers = in.userCallers();
        if (policy != null && !policy.requiredScopes().isEmpty() && !userCallers) {
            problems.add(new SettingProblem(REQUIRED_SCOPES, "applies to delegated (user) callers only, which "
                    + CALLER_TYPES + " does not admit; set " + CALLER_TYPES + " to app,user, or remove "
                    + REQUIRED_SCOPES + " (application callers are judged by " + REQUIRED_ROLES + ")"));
        }
        CryptoChoice crypto = in.crypto();
        boolean logAllowed = in.flag(LOG_ALLOWED);
        Set<String> issuers = in.optionalList(ISSUERS);
        URI keysUrl = in.optionalUrl(KEYS_URL);

        if (mode == EasyAuthMode.REQUIRED && !easyAuthEnabled) {
            problems.add(new SettingProblem(EASY_AUTH, "is 'required' but " + WEBSITE_AUTH_ENABLED
                    + " is not 'true', so no request could pass; turn on App Service Authentication or use 'auto'"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        if (issuers.isEmpty()) {
            issuers = defaultIssuers(authority, tenant);
        }
        if (keysUrl == null) {
            keysUrl = URI.create(authority + "/" + tenant + "/discovery/v2.0/keys");
        }
        return new GuardSettings(tenant, audiences, policy, authority, issuers, keysUrl, mode, easyAuthEnabled, skew,
                keysRefresh, userCallers, crypto, logAllowed);
    }

    /** The v2 issuer {@code {authority}/{tenant}/v2.0} and the v1 issuer of the authority's cloud. */
    static Set<String> defaultIssuers(URI authority, String tenant) {
        String host = authority.getHost().toLowerCase(Locale.ROOT);
        boolean china = host.endsWith("chinacloudapi.cn") || host.endsWith(".microsoftonline.cn");
        String stsHost = china ? "sts.chinacloudapi.cn" : "sts.windows.net";
        Set<String> issuers = new LinkedHashSet<>();
        issuers.add(authority + "/" + tenant + "/v2.0");
        issuers.add("https://" + stsHost + "/" + tenant + "/");
        return issuers;
    }

    /** Whether the principal header may be trusted for this process. */
    public boolean trustsPrincipalHeader() {
        return easyAuthMode != EasyAuthMode.OFF && easyAuthEnabled;
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }

    /** Reads one setting at a time and records problems instead of stopping at the first. */
    private static final class Reader {
        private final Function<String, String> lookup;
        private final List<SettingProblem> problems;

        Reader(Function<String, String> lookup, List<SettingProblem> problems) {
            this.lookup = lookup;
            this.problems = problems;
        }

        String raw(String name) {
            return trimmed(lookup.apply(name));
        }

        void problem(String name, String message) {
            problems.add(new SettingProblem(name, message));
        }

        String guid(String name) {
            String value = raw(name);
            if (value.isEmpty()) {
                problem(name, "is required: the tenant GUID, e.g. " + EXAMPLE_GUID);
                return null;
            }
            return Guids.canonical(value).orElseGet(() -> {
                problem(name, "must be a tenant GUID such as " + EXAMPLE_GUID
                        + " (not a domain name, 'common' or 'organizations')");
                return null;
            });
        }

        Set<String> items(String name) {
            Set<String> items = new LinkedHashSet<>();
            for (String item : raw(name).split(",", -1)) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
            return items;
        }

        Set<String> list(String name, String example) {
            Set<String> items = items(name);
            if (items.isEmpty()) {
                problem(name, "is required: a comma-separated list, e.g. " + example);
            }
            return items;
        }

        Set<String> optionalList(String name) {
            return items(name);
        }

        Set<String> guids(String name, String example) {
            Set<String> canonical = new LinkedHashSet<>();
            for (String item : items(name)) {
                Guids.canonical(item).ifPresentOrElse(canonical::add, () -> problem(name,
                        "must list object or client ids (GUIDs), e.g. " + example + "; one entry is not a GUID"));
            }
            return canonical;
        }

        CallerPolicy policy() {
            Set<String> callerItems = items(ALLOWED_CALLERS);
            boolean any = callerItems.equals(Set.of("*"));
            Set<String> callers = Set.of();
            if (callerItems.isEmpty()) {
                problem(ALLOWED_CALLERS, "is required: the object ids (oid) of the callers allowed, e.g. "
                        + EXAMPLE_GUID + "; write * on its own to allow any caller of the tenant");
            } else if (!any && callerItems.contains("*")) {
                problem(ALLOWED_CALLERS, "mixes * with object ids; write either * alone or a list such as "
                        + EXAMPLE_GUID);
            } else if (!any) {
                callers = guids(ALLOWED_CALLERS, EXAMPLE_GUID);
            }
            Set<String> apps = guids(ALLOWED_APPS, EXAMPLE_GUID);
            Set<String> roles = items(REQUIRED_ROLES);
            for (String role : roles) {
                if (role.chars().anyMatch(Character::isWhitespace)) {
                    problem(REQUIRED_ROLES, "lists app role values without spaces, e.g. Function.Invoke,Reports.Read");
                }
            }
            Set<String> scopes = items(REQUIRED_SCOPES);
            if (!scopes.stream().allMatch(CallerPolicy::isScopeToken)) {
                problem(REQUIRED_SCOPES, "lists scope values as the scp claim holds them, comma-separated, each "
                        + "printable ASCII without spaces, quotes or backslashes, e.g. Orders.Read,Orders.Write");
                scopes = Set.of();
            }
            if (!any && callers.isEmpty()) {
                return null;
            }
            return new CallerPolicy(any, callers, apps, roles, scopes);
        }

        URI authority() {
            String value = raw(AUTHORITY);
            if (value.isEmpty()) {
                return URI.create(DEFAULT_AUTHORITY);
            }
            URI uri = url(AUTHORITY, value, DEFAULT_AUTHORITY);
            boolean hasPath = uri != null && uri.getPath() != null && !uri.getPath().isEmpty()
                    && !uri.getPath().equals("/");
            if (uri != null && (hasPath || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null)) {
                problem(AUTHORITY, "must be the authority host only, without a path, e.g. " + DEFAULT_AUTHORITY);
                return null;
            }
            return uri == null ? null : normalised(uri);
        }

        /**
         * The authority as Entra writes it into issuers: scheme and host in lower case, the host without a trailing
         * dot, no default port, no trailing slash. {@code https://Login.MicrosoftOnline.com:443/} would otherwise
         * load and then refuse every genuine v2 token as ISSUER.
         */
        private static URI normalised(URI uri) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
                    || (scheme.equals("http") && port == 80);
            return URI.create(scheme + "://" + host + (defaultPort ? "" : ":" + port));
        }

        URI optionalUrl(String name) {
            String value = raw(name);
            return value.isEmpty() ? null
                    : url(name, value, DEFAULT_AUTHORITY + "/" + EXAMPLE_GUID + "/discovery/v2.0/keys");
        }

        URI url(String name, String value, String example) {
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                    problem(name, "must be an absolute https URL, e.g. " + example);
                    return null;
                }
                if (scheme.equals("http") && !isLoopback(uri.getHost())) {
                    problem(name, "must use https (plain http is allowed for localhost only), e.g. " + example);
                    return null;
                }
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    problem(name, "must name a port from 1 to 65535, or none, e.g. " + example);
                    return null;
                }
                return uri;
            } catch (URISyntaxException e) {
                problem(name, "must be an absolute https URL, e.g. " + example);
                return null;
            }
        }

        EasyAuthMode easyAuthMode() {
            String value = raw(EASY_AUTH);
            if (value.isEmpty()) {
                return EasyAuthMode.AUTO;
            }
            // ASCII case only, as for header names: toUpperCase would read "o\uFB00" (a ligature) as OFF.
            switch (RequestHeaders.lowerCaseName(value)) {
                case "auto":
                    return EasyAuthMode.AUTO;
                case "off":
                    return EasyAuthMode.OFF;
                case "required":
                    return EasyAuthMode.REQUIRED;
                default:
                    problem(EASY_AUTH, "must be one of auto (default), off or required");
                    return EasyAuthMode.AUTO;
            }
        }

        Duration clockSkew() {
            long seconds = wholeNumber(CLOCK_SKEW_SECONDS, 0, MAX_CLOCK_SKEW.toSeconds(), "seconds",
                    DEFAULT_CLOCK_SKEW.toSeconds());
            return Duration.ofSeconds(seconds);
        }

        Duration keysRefresh() {
            long minutes = wholeNumber(KEYS_REFRESH_MINUTES, 1, MAX_KEYS_REFRESH.toMinutes(), "minutes",
                    DEFAULT_KEYS_REFRESH.toMinutes());
            return Duration.ofMinutes(minutes);
        }

        /** A whole number from {@code min} to {@code max}; {@code standard} when unset or (with a problem) wrong. */
        long wholeNumber(String name, long min, long max, String unit, long standard) {
            String value = raw(name);
            if (value.isEmpty()) {
                return standard;
            }
            // ASCII digits only: Long.parseLong also reads other scripts' digits.
            if (ASCII_INTEGER.matcher(value).matches()) {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return number;
                }
            }
            problem(name, "must be a whole number of " + unit + " from " + min + " to " + max + ", e.g. " + standard);
            return standard;
        }

        /** {@code true} or {@code false} (the default), in any case. */
        boolean flag(String name) {
            switch (RequestHeaders.lowerCaseName(raw(name))) {
                case "":
                case "false":
                    return false;
                case "true":
                    return true;
                default:
                    problem(name, "must be true or false (the default)");
                    return false;
            }
        }

        /** {@code auto} (the default) or {@code jdk}, in any case. */
        CryptoChoice crypto() {
            switch (RequestHeaders.lowerCaseName(raw(CRYPTO))) {
                case "":
                case "auto":
                    return CryptoChoice.AUTO;
                case "jdk":
                    return CryptoChoice.JDK;
                default:
                    problem(CRYPTO, "must be auto (the default: the native RSA provider where it loads, else the "
                            + "JDK's) or jdk (always the JDK's)");
                    return CryptoChoice.AUTO;
            }
        }

        /** {@code app} (the default) or {@code app,user}, in any order and case. */
        boolean userCallers() {
            Set<String> types = new LinkedHashSet<>();
            items(CALLER_TYPES).forEach(item -> types.add(RequestHeaders.lowerCaseName(item)));
            if (types.isEmpty() || types.equals(Set.of("app"))) {
                return false;
            }
            if (types.equals(Set.of("app", "user"))) {
                return true;
            }
            problem(CALLER_TYPES, "must be app (the default: applications and managed identities only) or app,user "
                    + "(also delegated user tokens)");
            return false;
        }
    }

    /** Whether a host names this machine: {@code localhost} or a loopback address, in any case. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }
}
