package dev.callerguard.local;

/** One-line log records for the local processes. */
final class LocalLogging {
    static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    static final String FORMAT = "%1$tT %4$-7s %3$s: %5$s%6$s%n";

    private LocalLogging() {
    }

    static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, FORMAT);
        }
    }
}
