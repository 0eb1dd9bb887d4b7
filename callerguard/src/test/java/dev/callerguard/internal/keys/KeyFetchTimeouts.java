package dev.callerguard.internal.keys;

import java.time.Duration;

/** The bounds of one key set fetch ({@link JwksKeySetSource}), for tests in other packages that must outlast them. */
public final class KeyFetchTimeouts {
    public static final Duration CONNECT = JwksKeySetSource.CONNECT_TIMEOUT;
    public static final Duration REQUEST = JwksKeySetSource.REQUEST_TIMEOUT;

    private KeyFetchTimeouts() {
    }
}
