package dev.callerguard.testing;

import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.internal.token.Rs256Signature;
import dev.callerguard.internal.token.SignatureProvider;
import java.util.Locale;

/**
 * The RS256 verifier of each {@code CALLERGUARD_CRYPTO} choice, for tests that run under both providers. On the
 * platforms whose native library the build packages (Linux x86_64 and aarch64) {@code auto} must give the native
 * provider: otherwise a run "under both providers" would quietly be the JDK's twice.
 */
public final class TestSignatures {
    private TestSignatures() {
    }

    /** The provider {@code choice} gives here; fails on a native platform where {@code auto} fell back. */
    public static SignatureProvider provider(CryptoChoice choice) {
        SignatureProvider provider = SignatureProvider.choose(choice);
        boolean wantNative = choice == CryptoChoice.AUTO && nativePlatform();
        if (wantNative == provider.isJdk()) {
            throw new AssertionError("CALLERGUARD_CRYPTO=" + choice + " on " + platform() + " gave "
                    + provider.description() + provider.fallback().map(reason -> " (" + reason + ")").orElse(""));
        }
        return provider;
    }

    public static Rs256Signature rs256(CryptoChoice choice) {
        return new Rs256Signature(provider(choice).provider());
    }

    /** Whether the packaged native library is for this machine: Linux on x86_64 or aarch64. */
    public static boolean nativePlatform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    private static String platform() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
