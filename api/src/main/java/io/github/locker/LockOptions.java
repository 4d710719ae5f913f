package io.github.locker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one acquisition behaves: an immutable value, checked when it is made, changed only by
 * {@code with...} methods that return a new value.
 *
 * <ul>
 *   <li><b>Lease time</b> (default {@value #DEFAULT_LEASE_SECONDS} s): how long the backend keeps
 *       the lock when nobody renews it, so that a crashed holder frees it. Counted on the holder's
 *       monotonic clock from <em>before</em> the acquire request was sent.</li>
 *   <li><b>Keep-alive</b> (default on): renew the lease at a third of the lease time for as long as
 *       the lock is held. Off: the lock is held for exactly one lease and then simply expires (a
 *       fixed TTL).</li>
 *   <li><b>Wait time</b> (default: wait forever): how long {@link Locker#lock} waits for a held
 *       lock before it throws {@link LockTimeoutException}. Zero: one attempt.</li>
 *   <li><b>Retry</b> (default none): instead of waiting for a release, make {@code count} more
 *       attempts spaced by {@code interval}, as the older {@code SetRetry} did; a wait time, when
 *       set, still bounds the whole.</li>
 *   <li><b>Hold at least</b> (default off): a lock released early stays held until this long
 *       after its acquisition ({@link #withHoldAtLeast}).</li>
 *   <li><b>Mode</b> (default exclusive): exclusive, shared ({@link #withMode}), or one permit of a
 *       semaphore of N ({@link #withPermits}); see {@link LockMode}.</li>
 * </ul>
 *
 * <p>Every invalid value is rejected with an {@link IllegalArgumentException} naming the
 * argument and the value.
 */
public final class LockOptions {
    /** The default lease time, in seconds. */
    public static final long DEFAULT_LEASE_SECONDS = 60;

    private static final LockOptions DEFAULTS =
            new LockOptions(Duration.ofSeconds(DEFAULT_LEASE_SECONDS), true, null, 0, Duration.ZERO, Duration.ZERO,
                    LockMode.EXCLUSIVE, 0);

    private final Duration leaseTime;
    private final boolean keepAlive;
    private final Duration waitTime;
    private final int retryCount;
    private final Duration retryInterval;
    private final Duration holdAtLeast;
    private final LockMode mode;
    private final int permits;

    private LockOptions(Duration leaseTime, boolean keepAlive, Duration waitTime, int retryCount,
            Duration retryInterval, Duration holdAtLeast, LockMode mode, int permits) {
        this.leaseTime = leaseTime;
        this.keepAlive = keepAlive;
        this.waitTime = waitTime;
        this.retryCount = retryCount;
        this.retryInterval = retryInterval;
        this.holdAtLeast = holdAtLeast;
        this.mode = mode;
        this.permits = permits;
    }

    /** @return lease 60 s, keep-alive on, wait forever, no retry */
    public static LockOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param leaseTime how long the backend keeps the lock without renewal; at least one millisecond
     * @return these options with that lease time
     * @throws IllegalArgumentException when {@code leaseTime} is null, or shorter than 1 ms
     */
    public LockOptions withLeaseTime(Duration leaseTime) {
        requireArgument(leaseTime != null, "leaseTime must not be null");
        requireArgument(leaseTime.toMillis() >= 1, "leaseTime must be at least 1 ms, was %s", leaseTime);
        requireArgument(leaseTime.compareTo(holdAtLeast) >= 0, "leaseTime must not be shorter than holdAtLeast (%s), was %s",
                holdAtLeast, leaseTime);
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    /**
     * @param keepAlive true to renew the lease while the lock is held; false for a fixed TTL
     * @return these options with that keep-alive setting
     */
    public LockOptions withKeepAlive(boolean keepAlive) {
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    /**
     * @param waitTime how long to wait for a held lock; zero for one attempt
     * @return these options with that wait time
     * @throws IllegalArgumentException when {@code waitTime} is null or negative
     */
    public LockOptions withWaitTime(Duration waitTime) {
        requireArgument(waitTime != null, "waitTime must not be null (use waitForever())");
        requireArgument(!waitTime.isNegative(), "waitTime must not be negative, was %s", waitTime);
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    /** @return these options with no bound on the wait (the default) */
    public LockOptions waitForever() {
        return new LockOptions(leaseTime, keepAlive, null, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    /**
     * Makes a not-acquired lock be tried {@code count} more times, {@code interval} apart, instead
     * of waiting for a release. {@code withRetry(0, Duration.ZERO)} turns retry off.
     *
     * @param count how many attempts after the first; zero or more
     * @param interval the pause between attempts; zero or more
     * @return these options with that retry policy
     * @throws IllegalArgumentException when {@code count} is negative or {@code interval} is null or negative
     */
    public LockOptions withRetry(int count, Duration interval) {
        requireArgument(count >= 0, "retry count must not be negative, was %s", count);
        requireArgument(interval != null, "retry interval must not be null");
        requireArgument(!interval.isNegative(), "retry interval must not be negative, was %s", interval);
        return new LockOptions(leaseTime, keepAlive, waitTime, count, interval, holdAtLeast, mode, permits);
    }

    /**
     * Keeps a lock that is released early held until {@code holdAtLeast} after it was acquired
     * (ShedLock's {@code lockAtLeastFor}): {@link Lock#unlock()} before then stops the keep-alive
     * and leaves the lock on the backend to expire at that time, so another node whose timer fires
     * late still finds it held. An unlock after that time releases at once. A crashed holder's lock
     * still ends with its lease. Zero (the default) turns it off.
     *
     * @param holdAtLeast how long after its acquisition the lock is held at least; zero or more,
     *     and not longer than the lease time
     * @return these options with that minimum hold
     * @throws IllegalArgumentException when {@code holdAtLeast} is null, negative, or longer than the lease time
     */
    public LockOptions withHoldAtLeast(Duration holdAtLeast) {
        requireArgument(holdAtLeast != null, "holdAtLeast must not be null");
        requireArgument(!holdAtLeast.isNegative(), "holdAtLeast must not be negative, was %s", holdAtLeast);
        requireArgument(holdAtLeast.compareTo(leaseTime) <= 0,
                "holdAtLeast must not be longer than the lease time (%s), was %s: set the lease time first", leaseTime,
                holdAtLeast);
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    /**
     * Takes the key exclusively (the default) or shared: see {@link LockMode}. For a semaphore's
     * permit use {@link #withPermits} instead.
     *
     * @param mode {@link LockMode#EXCLUSIVE} or {@link LockMode#SHARED}
     * @return these options with that mode (and no permit count)
     * @throws IllegalArgumentException when {@code mode} is null, or {@link LockMode#PERMIT}
     */
    public LockOptions withMode(LockMode mode) {
        requireArgument(mode != null, "mode must not be null");
        requireArgument(mode != LockMode.PERMIT, "a permit needs its count: use withPermits(n) instead of withMode(PERMIT)");
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, 0);
    }

    /**
     * Makes the acquisition take one permit of a semaphore named by the key, of which at most
     * {@code permits} are held at once across all nodes ({@link LockMode#PERMIT}). Every
     * acquisition of the same semaphore must give the same count: one that disagrees with the
     * current holders fails with {@link LockConflictException}.
     *
     * @param permits how many holders the semaphore admits at once; 1 or more
     * @return these options in {@link LockMode#PERMIT} mode with that count
     * @throws IllegalArgumentException when {@code permits} is less than 1
     */
    public LockOptions withPermits(int permits) {
        requireArgument(permits >= 1, "permits must be at least 1, was %s", permits);
        return new LockOptions(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, LockMode.PERMIT,
                permits);
    }

    /** @return what kind of hold is asked for: exclusive (the default), shared, or a permit */
    public LockMode mode() {
        return mode;
    }

    /** @return the semaphore's number of permits in {@link LockMode#PERMIT} mode; 0 in the other modes */
    public int permits() {
        return permits;
    }

    /** @return how long after its acquisition an early-released lock stays held; zero when off */
    public Duration holdAtLeast() {
        return holdAtLeast;
    }

    /** @return how long the backend keeps the lock without renewal */
    public Duration leaseTime() {
        return leaseTime;
    }

    /** @return whether the lease is renewed while the lock is held */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** @return the bound on the wait for a held lock; empty when the wait is unbounded */
    public Optional<Duration> waitTime() {
        return Optional.ofNullable(waitTime);
    }

    /** @return the number of attempts after the first when retry is used; zero when it is not */
    public int retryCount() {
        return retryCount;
    }

    /** @return the pause between retry attempts */
    public Duration retryInterval() {
        return retryInterval;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LockOptions that
                && leaseTime.equals(that.leaseTime)
                && keepAlive == that.keepAlive
                && Objects.equals(waitTime, that.waitTime)
                && retryCount == that.retryCount
                && retryInterval.equals(that.retryInterval)
                && holdAtLeast.equals(that.holdAtLeast)
                && mode == that.mode
                && permits == that.permits;
    }

    @Override
    public int hashCode() {
        return Objects.hash(leaseTime, keepAlive, waitTime, retryCount, retryInterval, holdAtLeast, mode, permits);
    }

    @Override
    public String toString() {
        return "LockOptions[leaseTime=" + leaseTime + ", keepAlive=" + keepAlive
                + ", waitTime=" + (waitTime == null ? "forever" : waitTime)
                + ", retry=" + retryCount + "x" + retryInterval
                + (holdAtLeast.isZero() ? "" : ", holdAtLeast=" + holdAtLeast)
                + (mode == LockMode.EXCLUSIVE ? "" : mode == LockMode.SHARED ? ", shared" : ", permits=" + permits) + "]";
    }

    private static void requireArgument(boolean valid, String template, Object... values) {
        if (!valid) {
            throw new IllegalArgumentException(String.format(template, values));
        }
    }
}
