package io.github.locker.cdi;

import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locked;
import io.github.locker.core.Durations;
import jakarta.enterprise.lang.model.AnnotationInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Locked} annotation that governs one method, as plain values, and what it means: the
 * portable extension (reflection), the build-compatible one (the build-time model) and the
 * interceptor all read it through here, so they agree on which annotation applies and on the
 * options it gives.
 */
record LockedSpec(List<String> keys, String locker, String waitTime, String leaseTime, boolean keepAlive,
        Locked.Contention onContention, String holdAtLeast, LockMode mode, int permits) {

    /**
     * Which annotation governs a method, whatever model the annotations come from: the method's
     * own; else its class's, when the method is a business method (the only kind an interceptor
     * binding on a class applies to); else none.
     *
     * @param <A> the annotation as the caller's model gives it
     * @param onMethod the method's {@code @Locked}, or null
     * @param onClass its bean class's {@code @Locked}, or null
     * @param businessMethod whether the method is one the class's binding applies to
     * @return the governing annotation, if any
     */
    static <A> Optional<A> governing(A onMethod, A onClass, boolean businessMethod) {
        if (onMethod != null) {
            return Optional.of(onMethod);
        }
        return businessMethod ? Optional.ofNullable(onClass) : Optional.empty();
    }

    /** @return the members of an annotation read by reflection */
    static LockedSpec of(Locked locked) {
        return new LockedSpec(templates(List.of(locked.key())), locked.locker(), locked.waitTime(), locked.leaseTime(), locked.keepAlive(),
                locked.onContention(), locked.holdAtLeast(), locked.mode(), locked.permits());
    }

    /** @return the members of an annotation from the build-time model, which omits those left at their default */
    static LockedSpec of(AnnotationInfo locked) {
        return new LockedSpec(templates(strings(locked, "key")), string(locked, "locker"), string(locked, "waitTime"),
                string(locked, "leaseTime"), !locked.hasMember("keepAlive") || locked.member("keepAlive").asBoolean(),
                locked.hasMember("onContention") ? locked.member("onContention").asEnum(Locked.Contention.class)
                        : Locked.Contention.WAIT, string(locked, "holdAtLeast"),
                locked.hasMember("mode") ? locked.member("mode").asEnum(LockMode.class) : LockMode.EXCLUSIVE,
                locked.hasMember("permits") ? locked.member("permits").asInt() : 0);
    }

    /**
     * The options of a call: the locker's defaults, with what the annotation sets. FAIL, and SKIP
     * without a wait time of its own, make one attempt.
     *
     * @param defaults the locker's default options
     * @return the options to acquire with
     * @throws IllegalArgumentException when a duration is not readable, or a mode and permit count
     *     disagree (the deployment rules refuse both first)
     */
    LockOptions options(LockOptions defaults) {
        LockOptions options = defaults;
        if (!leaseTime.isEmpty()) {
            options = options.withLeaseTime(Durations.parse(leaseTime, "leaseTime"));
        }
        if (!waitTime.isEmpty()) {
            options = options.withWaitTime(Durations.parse(waitTime, "waitTime"));
        }
        if (!keepAlive) {
            options = options.withKeepAlive(false);
        }
        if (!holdAtLeast.isEmpty()) {
            options = options.withHoldAtLeast(Durations.parse(holdAtLeast, "holdAtLeast"));
        }
        if (permits != 0 && mode == LockMode.SHARED) {
            throw new IllegalArgumentException("a semaphore's permits are not shared holds: give mode = SHARED or permits, not both");
        }
        if (permits != 0 || mode == LockMode.PERMIT) {
            options = options.withPermits(permits);
        } else {
            options = options.withMode(mode);
        }
        if (onContention == Locked.Contention.FAIL
                || onContention == Locked.Contention.SKIP && options.waitTime().isEmpty()) {
            options = options.withWaitTime(Duration.ZERO).withRetry(0, Duration.ZERO);
        }
        return options;
    }

    /** {@code key = ""} means what no key means: the method's own name. */
    private static List<String> templates(List<String> keys) {
        return keys.stream().filter(key -> !key.isEmpty()).toList();
    }

    private static List<String> strings(AnnotationInfo annotation, String member) {
        return annotation.hasMember(member)
                ? annotation.member(member).asArray().stream().map(element -> element.asString()).toList() : List.of();
    }

    private static String string(AnnotationInfo annotation, String member) {
        return annotation.hasMember(member) ? annotation.member(member).asString() : "";
    }
}
