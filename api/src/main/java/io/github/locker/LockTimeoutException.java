package io.github.locker;

import java.time.Duration;

/**
 * The caller waited for the whole of its positive wait time and the lock was still held by
 * another owner. Distinguishable from a plain {@link LockNotAcquiredException} (no wait allowed)
 * so callers can tell "busy right now" from "busy for longer than I was prepared to wait".
 */
public class LockTimeoutException extends LockNotAcquiredException {
    private static final long serialVersionUID = 1L;

    private final Duration waitTime;

    /**
     * @param key the lock key that was not acquired
     * @param waitTime the wait time that elapsed
     * @param message what was waited for, and on which locker
     */
    public LockTimeoutException(String key, Duration waitTime, String message) {
        super(key, message);
        this.waitTime = waitTime;
    }

    /** @return the wait time that elapsed without the lock being acquired */
    public Duration waitTime() {
        return waitTime;
    }
}
