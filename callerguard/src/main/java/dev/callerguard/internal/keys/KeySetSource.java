package dev.callerguard.internal.keys;

import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/** Fetches the whole current key set: usable RSA verification keys by {@code kid}. */
@FunctionalInterface
public interface KeySetSource {
    Map<String, RSAPublicKey> fetch() throws KeySetFetchException;
}
