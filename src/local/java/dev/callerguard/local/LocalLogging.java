package dev.callerguard.local;

/** One-line log records for the local processes. */
final class LocalLogging {
    private LocalLogging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        }
    }
}
