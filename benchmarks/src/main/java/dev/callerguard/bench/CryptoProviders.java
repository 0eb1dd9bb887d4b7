package dev.callerguard.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.RSASSA;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.internal.token.SignatureProvider;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;

/**
 * The two RSA implementations the benchmarks compare — the JDK's {@code SunRsaSign} and the native Amazon Corretto
 * Crypto Provider (ACCP) — and the proof that each benchmark runs on the one it claims, since a peer library that
 * silently took the other provider would make every ratio against it meaningless.
 */
final class CryptoProviders {
    static final String JDK_RSA = "SunRsaSign";

    /** Which RSA the JVM's default provider order hands out: the JDK's own, or the native provider's. */
    enum Order {
        /** The JVM's configured order, untouched: {@code Signature.getInstance} gives {@code SunRsaSign}. */
        JDK,
        /** {@link AmazonCorrettoCryptoProvider#install()} ran first: every default look-up gives ACCP. */
        NATIVE_FIRST
    }

    private CryptoProviders() {
    }

    /**
     * The native provider, as the caller check chooses it ({@code CALLERGUARD_CRYPTO=auto}: loaded and self-tested),
     * or an exception naming why it is not used (the benchmarks compare against it).
     */
    static Provider loadedNative() {
        SignatureProvider chosen = SignatureProvider.choose(CryptoChoice.AUTO);
        if (chosen.isJdk()) {
            throw new IllegalStateException("the Amazon Corretto Crypto Provider is not used on this machine ("
                    + chosen.fallback().orElse("?") + "); the benchmarks compare against it");
        }
        return chosen.provider();
    }

    /** The JDK's RSA, as the check takes it with {@code CALLERGUARD_CRYPTO=jdk}: by name, whatever the order. */
    static Provider jdk() {
        return SignatureProvider.choose(CryptoChoice.JDK).provider();
    }

    /** Puts the native provider first in this JVM, as an application that calls {@code install()} at start does. */
    static void installNativeFirst() {
        loadedNative();
        AmazonCorrettoCryptoProvider.install();
    }

    /**
     * Fails unless the JVM's default order gives {@code expected}'s RSA both the way java-jwt obtains its
     * {@link Signature} ({@code CryptoHelper}: {@code Signature.getInstance("SHA256withRSA")}) and the way Nimbus
     * does ({@code RSASSAVerifier}: {@code RSASSA.getSignerAndVerifier} with its factory's JCA provider, null
     * unless set, so the default order).
     */
    static void expectOrder(Order expected, JWSVerifierFactory nimbusVerifiers) throws GeneralSecurityException {
        Provider wanted = expected == Order.NATIVE_FIRST ? loadedNative() : jdk();
        Provider first = Security.getProviders()[0];
        boolean nativeFirst = first.getName().equals(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
        Provider javaJwt = Signature.getInstance(TokenCheckBenchmark.JCA_ALGORITHM).getProvider();
        Provider nimbus;
        try {
            nimbus = RSASSA.getSignerAndVerifier(JWSAlgorithm.RS256,
                    nimbusVerifiers.getJCAContext().getProvider()).getProvider();
        } catch (JOSEException e) {
            throw new IllegalStateException("Nimbus has no RS256 verifier", e);
        }
        if (nativeFirst != (expected == Order.NATIVE_FIRST) || !javaJwt.getName().equals(wanted.getName())
                || !nimbus.getName().equals(wanted.getName())) {
            throw new IllegalStateException(String.format("benchmark set-up is wrong: expected the provider order"
                    + " %s (RSA from %s), found %s first, java-jwt's Signature from %s and Nimbus's from %s", expected,
                    wanted.getName(), first.getName(), javaJwt.getName(), nimbus.getName()));
        }
    }

    /** One line naming the JVM and both providers with their versions, for the head of every table. */
    static String versions() {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        String nativeVersion = accp.getLoadingError() == null
                ? accp.getName() + " " + accp.getVersionStr() + " (" + accp.getAwsLcVersionStr() + ")"
                : accp.getName() + " " + accp.getVersionStr() + " NOT LOADED: " + accp.getLoadingError();
        return String.format("java %s (%s %s); providers: %s, %s %s", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"), nativeVersion, JDK_RSA,
                jdk().getVersionStr());
    }
}
