package dev.callerguard.internal.decision;

import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import java.util.List;
import java.util.Optional;

/** The outcome of the caller check: a verified caller or a refusal, plus warnings worth logging. */
public sealed interface Decision {

    List<String> warnings();

    /** The caller passed every check. */
    record Allowed(VerifiedCaller caller, List<String> warnings) implements Decision {
        public Allowed {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The request is refused.
     *
     * @param refusal   why
     * @param objectId  the caller's object id when its credential was verified (a 403), for the log
     * @param appId     the caller's app id when its credential was verified, for the log
     * @param presented the credential the request presented, well-formed or not: a bearer token, or a trusted Easy
     *                  Auth principal without one; empty for neither (for the metrics)
     */
    record Refused(Refusal refusal, Optional<String> objectId, Optional<String> appId, Optional<CallerSource> presented,
                   List<String> warnings) implements Decision {
        public Refused {
            warnings = List.copyOf(warnings);
        }
    }
}
