package dev.callerguard.internal.token;

/** {@code CALLERGUARD_CRYPTO}: which RSA provider may verify token signatures. */
public enum CryptoChoice {
    /** The native provider when it loads and passes its self-test on this machine, else the JDK's (the default). */
    AUTO,
    /** The JDK's {@code SunRsaSign} provider, always. */
    JDK
}
