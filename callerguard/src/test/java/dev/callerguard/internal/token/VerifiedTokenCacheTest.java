package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.testing.Concurrently;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSettings;
import dev.callerguard.testing.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The validated-token cache, seen through the check: what a hit skips, and what it never skips. */
class VerifiedTokenCacheTest {
    private static final KeyLookup.Found KEY = new KeyLookup.Found(TestKeys.PRIMARY.kid(), TestKeys.PRIMARY.publicKey());
    private final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");
    private final AtomicInteger keyLookups = new AtomicInteger();
    private final AtomicInteger currentChecks = new AtomicInteger();
    /** The published key set: kid to key. */
    private final Map<String, KeyLookup.Found> published = new ConcurrentHashMap<>(Map.of(TestKeys.PRIMARY.kid(),
            new KeyLookup.Found(TestKeys.PRIMARY.kid(), TestKeys.PRIMARY.publicKey())));
    private final SigningKeys keys = new SigningKeys() {
        @Override
        public KeyLookup find(String kid) {
            keyLookups.incrementAndGet();
            KeyLookup.Found found = published.get(kid);
            return found != null ? found : new KeyLookup.Unknown();
        }

        @Override
        public boolean stillCurrent(KeyLookup.Found key) {
            currentChecks.incrementAndGet();
            return key.sameKey(published.get(key.kid()));
        }
    };
    private final CallerCheck check = new CallerCheck(TestSettings.load(URI.create("http://127.0.0.1:1/keys")),
            keys, clock);

    private Decision decide(CallerCheck guard, String token) {
        return guard.decide(RequestHeaders.of(Map.of("authorization", "Bearer " + token)));
    }

    private TestTokens token() {
        return TestTokens.valid(clock.instant());
    }

    @Test
    void repeatedTokenSkipsParsingAndSignature() {
        String token = token().sign();

        Decision first = decide(check, token);
        Decision second = decide(check, token);

        assertThat(first).isInstanceOf(Decision.Allowed.class);
        assertThat(second).isInstanceOf(Decision.Allowed.class);
        assertThat(((Decision.Allowed) second).caller().objectId()).isEqualTo(TestIds.ALLOWED_CALLER);
        assertThat(keyLookups).hasValue(1);
        assertThat(currentChecks).as("the hit asked whether its key is still current").hasValue(1);
    }

    @Test
    void expiryIsCheckedAgainOnEveryHit() {
        String token = token().sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        clock.advance(Duration.ofHours(2));

        Decision later = decide(check, token);

        assertThat(later).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.EXPIRED));
    }

    @Test
    void hitStillAppliesTheFunctionsOwnPolicy() {
        String token = token().roles("Function.Invoke").sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        CallerCheck reports = check.requiringRoles("Reports.Read");

        Decision decision = decide(reports, token);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.ROLE_MISSING));
        assertThat(keyLookups).hasValue(1);
    }

    @Test
    void refusalsAreNeverCached() {
        String intruder = token().claim("oid", TestIds.INTRUDER).sign();
        String wrongAudience = token().claim("aud", "api://someone-else").sign();

        for (int i = 0; i < 3; i++) {
            assertThat(decide(check, intruder)).isInstanceOf(Decision.Refused.class);
            assertThat(decide(check, wrongAudience)).isInstanceOf(Decision.Refused.class);
        }

        assertThat(keyLookups).hasValue(6);
    }

    @Test
    void tokenRefusedByOneFunctionIsVerifiedAgainByAnother() {
        String token = token().sign();
        CallerCheck reports = check.requiringRoles("Reports.Read");
        assertThat(decide(reports, token)).isInstanceOf(Decision.Refused.class);

        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);

        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void aHitIsRefusedOnceItsKeyHasLeftTheKeySet() {
        String token = token().sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        published.clear();
        published.put(TestKeys.SECONDARY.kid(), new KeyLookup.Found(TestKeys.SECONDARY.kid(),
                TestKeys.SECONDARY.publicKey()));

        Decision decision = decide(check, token);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.UNKNOWN_KEY));
        assertThat(decide(check, token)).isInstanceOf(Decision.Refused.class);
    }

    @Test
    void aHitIsVerifiedAgainWhenItsKidNowNamesAnotherKey() {
        String token = token().sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        published.put(TestKeys.PRIMARY.kid(), new KeyLookup.Found(TestKeys.PRIMARY.kid(),
                TestKeys.OTHER.publicKey()));

        Decision decision = decide(check, token);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.SIGNATURE));
        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void aKeySetChangeThatKeepsTheKeyKeepsTheHit() {
        String token = token().sign();
        decide(check, token);
        published.put(TestKeys.SECONDARY.kid(), new KeyLookup.Found(TestKeys.SECONDARY.kid(),
                TestKeys.SECONDARY.publicKey()));

        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);

        assertThat(keyLookups).as("not verified again").hasValue(1);
    }

    @Test
    void neverLendsOneTokensVerificationToAnotherWithTheSameSignature() {
        String token = token().sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String forged = token().claim("oid", TestIds.SECOND_ALLOWED_CALLER).unsigned() + signature;

        Decision decision = decide(check, forged);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.SIGNATURE));
        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void headerVariantsOfACachedTokenAreReadInFull() {
        String token = token().sign();
        decide(check, token);

        Decision twoTokens = check.decide(RequestHeaders.of(Map.of("authorization", "Bearer " + token + " " + token)));
        Decision lowerCase = check.decide(RequestHeaders.of(Map.of("authorization", "bearer " + token)));

        assertThat(twoTokens).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.MALFORMED_AUTHORIZATION));
        assertThat(lowerCase).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void uncachedCheckVerifiesEveryTime() {
        CallerCheck uncached = check.uncached();
        String token = token().sign();

        decide(uncached, token);
        decide(uncached, token);

        assertThat(keyLookups).hasValue(2);
    }

    @Test
    void holdsNoMoreThanItsBound() {
        VerifiedTokenCache cache = holding(1_000);

        assertThat(cache.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void neverHoldsAnEntryPastItsExpiry() {
        VerifiedTokenCache cache = new VerifiedTokenCache(clock, 10);

        cache.put("h.p.expired", new VerifiedTokenCache.Entry(claims(clock.instant().getEpochSecond() - 1), KEY, null));

        assertThat(cache.get("h.p.expired")).isNull();
    }

    @Test
    void aHitWhoseKeyLeftTheKeySetIsForgottenSoTheKeysReturnDoesNotReviveIt() {
        String token = token().sign();
        assertThat(decide(check, token)).isInstanceOf(Decision.Allowed.class);
        KeyLookup.Found key = published.remove(TestKeys.PRIMARY.kid());
        assertThat(decide(check, token)).isInstanceOf(Decision.Refused.class);
        published.put(key.kid(), key);

        Decision afterTheKeysReturn = decide(check, token);

        assertThat(afterTheKeysReturn).isInstanceOf(Decision.Allowed.class);
        assertThat(keyLookups).as("verified in full: first, after the key left, after it returned").hasValue(3);
    }

    @Test
    void countsTheEntriesItHolds() {
        VerifiedTokenCache cache = holding(3);

        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void aForgottenTokenIsNoLongerHeld() {
        VerifiedTokenCache cache = holding(2);

        cache.forget("h.p.token-1");

        assertThat(cache.get("h.p.token-1")).isNull();
        assertThat(cache.get("h.p.token-0")).isNotNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    /**
     * The entry's lifetime is taken from the pinned clock when it is stored (here 50 ms, up to the token's
     * {@code exp}); from then on the cache counts it down on its own ticker, in real time, which the test waits
     * out (bounded).
     */
    @Test
    void stopsCountingAnEntryOnceItsTokenHasExpired() {
        VerifiedTokenCache cache = new VerifiedTokenCache(clock, 10);
        long exp = clock.instant().getEpochSecond() + 60;
        cache.put("h.p.short-lived", new VerifiedTokenCache.Entry(claims(exp), KEY, null));
        assertThat(cache.size()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));

        assertThat(cache.size()).as("entries counted after the token's exp").isZero();
        assertThat(cache.get("h.p.short-lived")).isNull();
    }

    @Test
    void anEntryIsGoneOnceItsExpiryHasPassedByPartOfASecond() {
        MutableClock onTheSecond = MutableClock.at("2026-11-27T12:00:00Z");
        VerifiedTokenCache cache = new VerifiedTokenCache(onTheSecond, 10);
        cache.put("h.p.one-second", new VerifiedTokenCache.Entry(
                claims(onTheSecond.instant().getEpochSecond() + 1), KEY, null));
        onTheSecond.advance(Duration.ofMillis(900));
        assertThat(cache.get("h.p.one-second")).as("0.9 s in").isNotNull();

        onTheSecond.advance(Duration.ofMillis(600));

        assertThat(cache.get("h.p.one-second")).as("1.5 s in").isNull();
    }

    @Test
    void servesConcurrentCallersConsistently() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tokens.add(token().claim("uti", "token-" + i).sign());
        }
        boolean allAllowed = Concurrently.allTrue(8, thread -> () -> {
            for (int i = 0; i < 1_000; i++) {
                if (!(decide(check, tokens.get(i % tokens.size())) instanceof Decision.Allowed)) {
                    return false;
                }
            }
            return true;
        });

        assertThat(allAllowed).isTrue();
        assertThat(keyLookups.get()).as("at most one verification per token and thread").isLessThanOrEqualTo(80);
    }

    /** A cache bounded at 10 that was given {@code tokens} tokens ({@code h.p.token-0}, ...) valid for an hour. */
    private VerifiedTokenCache holding(int tokens) {
        VerifiedTokenCache cache = new VerifiedTokenCache(clock, 10);
        CallerClaims claims = claims(clock.instant().getEpochSecond() + 3600);
        for (int i = 0; i < tokens; i++) {
            cache.put("h.p.token-" + i, new VerifiedTokenCache.Entry(claims, KEY, null));
        }
        return cache;
    }

    private static CallerClaims claims(long exp) {
        return new CallerClaims(Optional.empty(), Optional.of(TestIds.TENANT), List.of(TestIds.API_APP_ID_URI),
                Optional.of(TestIds.ALLOWED_CALLER), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(exp), Optional.empty(),
                Map.of());
    }
}
