package io.github.locker.spi;

import java.time.Duration;

/**
 * A point on the monotonic clock ({@link System#nanoTime()}) by which a wait must end, or none.
 * Immutable.
 */
public final class Deadline {
    private static final Deadline FOREVER = new Deadline(Long.MAX_VALUE, true);

    private final long atNanos;
    private final boolean forever;

    private Deadline(long atNanos, boolean forever) {
        this.atNanos = atNanos;
        this.forever = forever;
    }

    /** @return a deadline that never passes */
    public static Deadline forever() {
        return FOREVER;
    }

    /** @return a deadline that has already passed: one attempt, no wait */
    public static Deadline now() {
        return new Deadline(System.nanoTime(), false);
    }

    /**
     * @param wait how long from now
     * @return the deadline that far from now
     */
    public static Deadline after(Duration wait) {
        long now = System.nanoTime();
        long nanos = wait.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : wait.toNanos();
        return new Deadline(now + nanos, false);
    }

    /** @return whether this deadline never passes */
    public boolean isForever() {
        return forever;
    }

    /** @return whether the deadline has passed */
    public boolean hasPassed() {
        return !forever && System.nanoTime() - atNanos >= 0;
    }

    /** @return nanoseconds left, zero once passed, {@link Long#MAX_VALUE} when forever */
    public long remainingNanos() {
        return forever ? Long.MAX_VALUE : Math.max(0, atNanos - System.nanoTime());
    }

    /**
     * How long one request to the backend may take: the command timeout, bounded by the time left
     * but never below {@code floor}, so that even a zero wait time gets one fair attempt.
     *
     * @param commandTimeout the backend's command timeout
     * @param floor the least time an attempt always gets (capped by the command timeout)
     * @return the attempt's timeout
     */
    public Duration attemptTimeout(Duration commandTimeout, Duration floor) {
        if (forever) {
            return commandTimeout;
        }
        Duration atLeast = floor.compareTo(commandTimeout) < 0 ? floor : commandTimeout;
        Duration remaining = remainingAtMost(commandTimeout);
        return remaining.compareTo(atLeast) > 0 ? remaining : atLeast;
    }

    /**
     * @param bound the longest answer wanted
     * @return the time left, but not more than {@code bound}
     */
    public Duration remainingAtMost(Duration bound) {
        return Duration.ofNanos(Math.min(remainingNanos(), bound.toNanos()));
    }
}
