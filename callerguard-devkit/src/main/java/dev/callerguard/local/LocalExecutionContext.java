package dev.callerguard.local;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** The invocation context the local host passes: a fresh invocation id and a logger named after the function. */
public final class LocalExecutionContext implements ExecutionContext {
    private static final Map<String, Logger> LOGGERS = new ConcurrentHashMap<>();

    private final String functionName;
    private final String invocationId = UUID.randomUUID().toString();
    private final Logger logger;

    public LocalExecutionContext(String functionName) {
        this.functionName = functionName;
        this.logger = LOGGERS.computeIfAbsent(functionName, name -> Logger.getLogger("Function." + name));
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }
}
