package dev.callerguard.internal.runtime;

import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareChain;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;
import dev.callerguard.CallerGuard;

/**
 * Starts CallerGuard when the Java worker loads the app's functions, before the first invocation: the worker
 * (2.x, {@code JavaFunctionBroker}) creates every {@link Middleware} the app declares in
 * {@code META-INF/services} when it loads the first function, whereas a function class is only initialised by its
 * first invocation. The constructor loads the {@link GuardRuntime} on a thread of its own, which then fetches the
 * keys and warms the check up; the worker's load is not held up. It guards nothing (a middleware sees no HTTP
 * request and cannot answer one): every invocation is passed on unchanged, and the check stays in each function.
 */
public final class GuardWarmUp implements Middleware {

    public GuardWarmUp() {
        this(GuardRuntime::shared);
    }

    /** Runs {@code start} on a daemon thread of its own (tests give their own). */
    GuardWarmUp(Runnable start) {
        Thread starting = new Thread(start, "callerguard-start");
        starting.setDaemon(true);
        starting.start();
    }

    @Override
    public void invoke(MiddlewareContext context, MiddlewareChain chain) throws Exception {
        chain.doNext(context);
    }
}
