package io.github.locker;

/**
 * An acquisition asked for something the key's current holders rule out for good, so waiting
 * would not help: a semaphore acquired with a number of permits other than the one its holders
 * use. It is never retried; nothing stays held.
 */
public class LockConflictException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * @param key the key
     * @param message what disagrees, with both values, and what to change
     * @param cause the underlying failure, or {@code null}
     */
    public LockConflictException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
