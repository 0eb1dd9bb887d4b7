package dev.callerguard.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** {@link GuardWarmUp}: found by the worker's service lookup, and invisible to every invocation. */
class GuardWarmUpTest {

    @Test
    void theWorkersServiceLookupFindsItAsTheAppsOnlyMiddleware() {
        List<Middleware> found = new ArrayList<>();
        ServiceLoader.load(Middleware.class, GuardWarmUpTest.class.getClassLoader()).forEach(found::add);

        assertThat(found).singleElement().isInstanceOf(GuardWarmUp.class);
    }

    @Test
    void theServicesFileNamesOnlyGuardWarmUp() throws IOException {
        try (InputStream in = GuardWarmUp.class.getResourceAsStream(
                "/META-INF/services/" + Middleware.class.getName())) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(GuardWarmUp.class.getName());
        }
    }

    @Test
    void startsTheRuntimeOnADaemonThreadOfItsOwn() throws Exception {
        java.util.concurrent.CompletableFuture<Thread> ranOn = new java.util.concurrent.CompletableFuture<>();

        // Created on a thread that is no daemon, so that the start thread is one only because it is made one.
        Thread creator = new Thread(() -> new GuardWarmUp(() -> ranOn.complete(Thread.currentThread())));
        creator.setDaemon(false);
        creator.start();
        creator.join(10_000);

        Thread thread = ranOn.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(thread).isNotSameAs(Thread.currentThread());
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getName()).isEqualTo("callerguard-start");
    }

    @Test
    void passesEveryInvocationOnUnchangedExactlyOnce() throws Exception {
        MiddlewareContext context = (MiddlewareContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MiddlewareContext.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "context";
                    }
                    throw new AssertionError("the middleware read the context: " + method.getName());
                });
        List<MiddlewareContext> passedOn = new ArrayList<>();

        new GuardWarmUp().invoke(context, passedOn::add);

        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0) == context).as("the same context").isTrue();
    }

    @Test
    void whatTheFunctionThrowsComesOutUnchanged() {
        IllegalStateException thrown = new IllegalStateException("the function failed");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GuardWarmUp().invoke(null, c -> {
            throw thrown;
        })).isSameAs(thrown);
    }
}
