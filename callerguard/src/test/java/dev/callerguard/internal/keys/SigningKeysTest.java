package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.TestKeys;
import org.junit.jupiter.api.Test;

/**
 * The default {@link SigningKeys#stillCurrent}: what any key set answers when it has no cheaper way to tell, asked
 * of a key set that only knows {@link SigningKeys#find}.
 */
class SigningKeysTest {
    private static final String KID = TestKeys.PRIMARY.kid();
    private static final KeyLookup.Found KEY = new KeyLookup.Found(KID, TestKeys.PRIMARY.publicKey());

    @Test
    void aKeyIsStillCurrentWhileItsKidFindsTheSameKey() {
        SigningKeys keys = kid -> new KeyLookup.Found(kid, TestKeys.PRIMARY.publicKey());

        assertThat(keys.stillCurrent(KEY)).isTrue();
    }

    @Test
    void aKeyIsNotStillCurrentOnceItsKidFindsAnotherKey() {
        SigningKeys keys = kid -> new KeyLookup.Found(kid, TestKeys.OTHER.publicKey());

        assertThat(keys.stillCurrent(KEY)).isFalse();
    }

    @Test
    void aKeyIsNotStillCurrentOnceItsKidIsUnknown() {
        SigningKeys keys = kid -> new KeyLookup.Unknown();

        assertThat(keys.stillCurrent(KEY)).isFalse();
    }

    @Test
    void aKeyIsNotStillCurrentWhileNoKeySetCanBeHad() {
        SigningKeys keys = kid -> new KeyLookup.Unavailable();

        assertThat(keys.stillCurrent(KEY)).isFalse();
    }

    @Test
    void stillCurrentLooksUpTheKeysOwnKid() {
        SigningKeys keys = kid -> KID.equals(kid) ? new KeyLookup.Found(kid, TestKeys.PRIMARY.publicKey())
                : new KeyLookup.Unknown();

        assertThat(keys.stillCurrent(KEY)).isTrue();
        assertThat(keys.stillCurrent(new KeyLookup.Found(TestKeys.SECONDARY.kid(), TestKeys.PRIMARY.publicKey())))
                .isFalse();
    }
}
