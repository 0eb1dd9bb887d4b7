package dev.callerguard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareChain;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A function app as {@code mvn package} stages it in {@code target/azure-functions/<app>/}: {@code host.json}, one
 * {@code function.json} per function (route, methods, entry point, script file) and the jars. The app is loaded
 * in its own class loader, as the Java worker does: only {@code com.microsoft.azure.functions} (and the
 * OpenTelemetry API, see {@code WorkerClassLoader}) comes from the host. As the worker (2.x) does when it loads the first function, loading creates the app's middlewares
 * ({@code META-INF/services/com.microsoft.azure.functions.internal.spi.middleware.Middleware}), and every invocation
 * runs through them in that order, the function last.
 */
final class StagedApp {
    /** One HTTP-triggered function. */
    record HttpFunction(String name, String route, Set<String> methods, Method entryPoint) {
    }

    private final Path directory;
    private final String routePrefix;
    private final List<HttpFunction> functions;
    private final List<Middleware> middlewares;

    private StagedApp(Path directory, String routePrefix, List<HttpFunction> functions,
                      List<Middleware> middlewares) {
        this.directory = directory;
        this.routePrefix = routePrefix;
        this.functions = List.copyOf(functions);
        this.middlewares = List.copyOf(middlewares);
    }

    /** Finds the single staged app under {@code target/azure-functions}. */
    static Path find(Path stagingRoot) throws IOException {
        try (Stream<Path> apps = Files.list(stagingRoot)) {
            List<Path> found = apps.filter(p -> Files.isRegularFile(p.resolve("host.json"))).toList();
            if (found.size() != 1) {
                throw new IOException("expected one staged app in " + stagingRoot + ", found " + found.size()
                        + "; run mvn package first");
            }
            return found.get(0);
        }
    }

    /** The {@code routePrefix} of the app's {@code host.json}; {@code api} when it sets none. */
    private static String routePrefix(Path directory) throws IOException {
        JsonNode host = HttpExchanges.MAPPER.readTree(directory.resolve("host.json").toFile());
        JsonNode prefix = host.path("extensions").path("http").path("routePrefix");
        return prefix.isTextual() ? prefix.textValue() : "api";
    }

    /** One {@code function.json} per function folder, in name order. */
    private static List<Path> functionJsons(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(d -> d.resolve("function.json")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The route of an HTTP trigger: its {@code route}, else the function's name. */
    private static String route(JsonNode binding, Path functionJson) {
        return binding.path("route").isTextual() ? binding.path("route").textValue()
                : functionJson.getParent().getFileName().toString();
    }

    /**
     * The paths of the staged app's HTTP functions ({@code /api/<route>}), read from its files without loading it
     * (the local run's start banner).
     */
    static List<String> routes(Path directory) throws IOException {
        String prefix = routePrefix(directory);
        List<String> routes = new ArrayList<>();
        for (Path functionJson : functionJsons(directory)) {
            for (JsonNode binding : HttpExchanges.MAPPER.readTree(functionJson.toFile()).path("bindings")) {
                if ("httpTrigger".equals(binding.path("type").asText())) {
                    routes.add((prefix.isEmpty() ? "" : "/" + prefix) + "/" + route(binding, functionJson));
                }
            }
        }
        return routes;
    }

    static StagedApp load(Path directory) throws IOException {
        String routePrefix = routePrefix(directory);
        List<Path> functionJsons = functionJsons(directory);
        ClassLoader loader = classLoader(directory);
        List<Middleware> middlewares = new ArrayList<>();
        ServiceLoader.load(Middleware.class, loader).forEach(middlewares::add);
        List<HttpFunction> functions = new ArrayList<>();
        for (Path functionJson : functionJsons) {
            JsonNode config = HttpExchanges.MAPPER.readTree(functionJson.toFile());
            String name = functionJson.getParent().getFileName().toString();
            for (JsonNode binding : config.path("bindings")) {
                if ("httpTrigger".equals(binding.path("type").asText())) {
                    Set<String> methods = new TreeSet<>();
                    binding.path("methods").forEach(m -> methods.add(m.asText().toUpperCase(Locale.ROOT)));
                    functions.add(new HttpFunction(name, route(binding, functionJson), methods,
                            entryPoint(loader, config.path("entryPoint").asText())));
                }
            }
        }
        return new StagedApp(directory, routePrefix, functions, middlewares);
    }

    Path directory() {
        return directory;
    }

    List<HttpFunction> functions() {
        return functions;
    }

    /** The function serving {@code path} (e.g. {@code /api/hello}), if any. */
    Optional<HttpFunction> route(String path) {
        String prefix = routePrefix.isEmpty() ? "/" : "/" + routePrefix + "/";
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        String route = path.substring(prefix.length());
        return functions.stream().filter(f -> f.route().equalsIgnoreCase(route)).findFirst();
    }

    String pathOf(HttpFunction function) {
        return (routePrefix.isEmpty() ? "" : "/" + routePrefix) + "/" + function.route();
    }

    /**
     * Runs the function once through the app's middlewares, on a new instance of its class, as the Java worker does.
     * What the function throws comes out as an {@link InvocationTargetException}.
     */
    HttpResponseMessage invoke(HttpFunction function, HttpRequestMessage<?> request, ExecutionContext context)
            throws ReflectiveOperationException {
        Invocation invocation = new Invocation(context, request);
        try {
            chain(0, function).doNext(invocation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new InvocationTargetException(e, "a middleware threw");
        }
        return (HttpResponseMessage) invocation.getReturnValue();
    }

    private MiddlewareChain chain(int index, HttpFunction function) {
        if (index == middlewares.size()) {
            return context -> context.updateReturnValue(
                    invokeFunction(function, ((Invocation) context).request, context));
        }
        return context -> middlewares.get(index).invoke(context, chain(index + 1, function));
    }

    /** What a middleware sees of one invocation: the context, the request parameter and the return value. */
    private static final class Invocation implements MiddlewareContext {
        private final ExecutionContext context;
        private HttpRequestMessage<?> request;
        private Object returnValue;

        Invocation(ExecutionContext context, HttpRequestMessage<?> request) {
            this.context = context;
            this.request = request;
        }

        @Override
        public java.util.logging.Logger getLogger() {
            return context.getLogger();
        }

        @Override
        public String getInvocationId() {
            return context.getInvocationId();
        }

        @Override
        public String getFunctionName() {
            return context.getFunctionName();
        }

        @Override
        public String getParameterName(String annotationSimpleClassName) {
            return annotationSimpleClassName.equals("HttpTrigger") ? "request" : null;
        }

        @Override
        public Object getParameterValue(String name) {
            return name.equals("request") ? request : null;
        }

        @Override
        public void updateParameterValue(String name, Object value) {
            if (name.equals("request")) {
                request = (HttpRequestMessage<?>) value;
            }
        }

        @Override
        public Object getReturnValue() {
            return returnValue;
        }

        @Override
        public void updateReturnValue(Object value) {
            returnValue = value;
        }
    }

    /** Runs the function once, on a new instance of its class. */
    private static HttpResponseMessage invokeFunction(HttpFunction function, HttpRequestMessage<?> request, ExecutionContext context)
            throws ReflectiveOperationException {
        Method method = function.entryPoint();
        Object instance = method.getDeclaringClass().getDeclaredConstructor().newInstance();
        Object[] args = new Object[method.getParameterCount()];
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (HttpRequestMessage.class.isAssignableFrom(types[i])) {
                args[i] = request;
            } else if (ExecutionContext.class.isAssignableFrom(types[i])) {
                args[i] = context;
            }
        }
        return (HttpResponseMessage) method.invoke(instance, args);
    }

    private static Method entryPoint(ClassLoader loader, String entryPoint) throws IOException {
        int dot = entryPoint.lastIndexOf('.');
        try {
            Class<?> type = Class.forName(entryPoint.substring(0, dot), false, loader);
            for (Method method : type.getMethods()) {
                if (method.getName().equals(entryPoint.substring(dot + 1))) {
                    return method;
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IOException("entry point class not found: " + entryPoint, e);
        }
        throw new IOException("entry point method not found: " + entryPoint);
    }

    private static ClassLoader classLoader(Path directory) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Stream.concat(Files.list(directory), listOrEmpty(directory.resolve("lib")))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(toUrl(jar));
            }
        }
        return new WorkerClassLoader(urls.toArray(URL[]::new), StagedApp.class.getClassLoader());
    }

    private static Stream<Path> listOrEmpty(Path dir) throws IOException {
        return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
    }

    private static URL toUrl(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the app's own jars first. Shared with the host: the Functions Java library, as in the worker, and the
     * OpenTelemetry API, as the Application Insights agent bridges the app's copy on Azure, so that what the app
     * records reaches the SDK the host installed ({@link LocalMetrics}).
     */
    private static final class WorkerClassLoader extends URLClassLoader {
        private static final List<String> SHARED_PACKAGES = List.of("com.microsoft.azure.functions.",
                "io.opentelemetry.api.", "io.opentelemetry.context.", "io.opentelemetry.common.");
        /** Under a shared prefix, but not the host's: the incubating API comes from the app, if it has it. */
        private static final String APP_OWN_PACKAGE = "io.opentelemetry.api.incubator.";
        private final ClassLoader host;

        WorkerClassLoader(URL[] urls, ClassLoader host) {
            super("callerguard-staged-app", urls, ClassLoader.getPlatformClassLoader());
            this.host = host;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (SHARED_PACKAGES.stream().anyMatch(name::startsWith) && !name.startsWith(APP_OWN_PACKAGE)) {
                return host.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
