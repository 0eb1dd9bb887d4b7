package dev.callerguard.testing;

import io.opentelemetry.api.OpenTelemetry;
import java.lang.reflect.Proxy;

/**
 * An OpenTelemetry whose builders and providers hand out more of the same, and whose recording methods (those that
 * return nothing), and with {@code everything} also its {@code isEnabled}, throw: a metrics backend that breaks the
 * API's rule never to throw.
 */
public final class BrokenOpenTelemetry {
    private BrokenOpenTelemetry() {
    }

    public static OpenTelemetry throwingOnRecord() {
        return (OpenTelemetry) broken(OpenTelemetry.class, false);
    }

    public static OpenTelemetry throwingEverywhere() {
        return (OpenTelemetry) broken(OpenTelemetry.class, true);
    }

    private static Object broken(Class<?> type, boolean everything) {
        return Proxy.newProxyInstance(BrokenOpenTelemetry.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Class<?> returned = method.getReturnType();
                    if (returned == void.class || (everything && returned == boolean.class)) {
                        throw new IllegalStateException("a broken metrics backend: " + method.getName());
                    }
                    if (returned == boolean.class) {
                        return true;
                    }
                    return returned.isInterface() ? broken(returned, everything) : null;
                });
    }
}
