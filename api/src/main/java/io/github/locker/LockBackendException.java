package io.github.locker;

/**
 * The lock backend could not be reached, did not answer in time, or answered with an error. The
 * message names the backend by address (never with credentials). Whether a lock was taken is then
 * unknown to the caller; the library deletes what it may have taken where it can, and anything
 * left behind ends with its lease.
 */
public class LockBackendException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * @param key the lock key of the failed operation, or {@code null}
     * @param message which backend failed, at which address, doing what
     * @param cause the client library's exception, or {@code null}
     */
    public LockBackendException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
