package io.github.locker;

/**
 * The lease of a lock ended while its holder still ran the guarded action: its renewals failed
 * until the lease was gone, or (keep-alive off) the action outlived the lease. Another owner may
 * have held the lock meanwhile, so the action was <em>not</em> exclusive. Thrown after the action
 * returns, so a caller never believes an exclusive section was exclusive when it was not.
 */
public class LockLostException extends LockException {
    private static final long serialVersionUID = 1L;

    private final long fencingToken;

    /**
     * @param key the lock key whose lease ended
     * @param fencingToken the fencing token of the acquisition that was lost
     * @param message what was lost, on which locker, and why when known
     * @param cause the renewal failure that ended the lease, or {@code null}
     */
    public LockLostException(String key, long fencingToken, String message, Throwable cause) {
        super(key, message, cause);
        this.fencingToken = fencingToken;
    }

    /** @return the fencing token of the lost acquisition: writes carrying it should be rejected */
    public long fencingToken() {
        return fencingToken;
    }
}
