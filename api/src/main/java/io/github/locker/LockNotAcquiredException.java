package io.github.locker;

/**
 * The lock is held by another owner and the caller's options allowed no more attempts: the
 * guarded action did not run. This is the older libraries' "missing lock" error; test for it with
 * {@code instanceof} or a catch clause. {@link LockTimeoutException} is the subtype thrown when a
 * positive wait time ran out.
 */
public class LockNotAcquiredException extends LockException {
    private static final long serialVersionUID = 1L;

    /**
     * @param key the lock key that was not acquired
     * @param message what was tried (attempts, wait time) and on which locker
     */
    public LockNotAcquiredException(String key, String message) {
        super(key, message, null);
    }
}
