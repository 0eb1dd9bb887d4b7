package dev.callerguard.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures everything {@code java.util.logging} publishes while open: a handler on the root logger, the root
 * level lowered to {@link Level#ALL}, and the root's own handlers (the console) removed so that nothing is
 * printed. {@link #close()} restores the root logger exactly as it was. Lines are formatted as the console
 * would print them, stack traces included.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Level savedLevel;
    private final Handler[] savedHandlers;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord logRecord) {
            lines.add(formatter.format(logRecord));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        savedLevel = root.getLevel();
        savedHandlers = root.getHandlers();
        for (Handler handler : savedHandlers) {
            root.removeHandler(handler);
        }
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        root.setLevel(Level.ALL);
    }

    /** Starts capturing every record that reaches the root logger. */
    public static LogCapture ofRootLogger() {
        return new LogCapture();
    }

    /** Every line captured so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        root.removeHandler(capture);
        for (Handler handler : savedHandlers) {
            root.addHandler(handler);
        }
        root.setLevel(savedLevel);
    }
}
