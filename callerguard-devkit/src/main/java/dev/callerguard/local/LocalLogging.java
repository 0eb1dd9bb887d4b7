package dev.callerguard.local;

/** Process settings of the local run's JVMs: one-line log records, and no Nagle delay in the JDK HTTP server. */
final class LocalLogging {
    static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    static final String FORMAT = "%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n";

    private LocalLogging() {
    }

    /**
     * Call first thing in {@code main}, before any logger or HTTP server exists. The JDK HTTP server writes a
     * response's headers and body separately; with Nagle's algorithm on, the body waits for the client's delayed
     * ACK (about 40 ms per keep-alive request), which would make every local measurement meaningless.
     */
    static void configure() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, FORMAT);
        }
    }
}
