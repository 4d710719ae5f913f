package io.github.locker;

import java.util.Optional;

/**
 * A CDI event (and a listener argument) saying a held lock's lease ended while its holder still
 * held it. It is fired at the lease's end on the local monotonic clock at the latest (counted from
 * before the acquisition was sent, less a drift margin), so before any other owner can acquire the
 * lock, whether renewals failed or none were due; earlier when the backend says the lock is gone.
 * It is fired once per acquisition, also when the holder unlocks afterwards, never after the holder
 * released it, on a thread of the library's own (never a client's event loop). The holder's
 * {@link Lock#isHeld()} is already false, and a {@link Locked} method that was running under it
 * ends in {@link LockLostException}.
 */
public final class LockLost {
    private final String locker;
    private final String key;
    private final long fencingToken;
    private final String reason;
    private final Throwable cause;

    /**
     * @param locker the locker's name
     * @param key the lock's key
     * @param fencingToken the fencing token of the lost acquisition
     * @param reason why the lease is known to have ended
     * @param cause the renewal failure, or null
     */
    public LockLost(String locker, String key, long fencingToken, String reason, Throwable cause) {
        this.locker = locker;
        this.key = key;
        this.fencingToken = fencingToken;
        this.reason = reason;
        this.cause = cause;
    }

    /** @return the name of the locker the lock was held on */
    public String locker() {
        return locker;
    }

    /** @return the lock's key */
    public String key() {
        return key;
    }

    /** @return the fencing token of the lost acquisition: writes carrying it should now be rejected */
    public long fencingToken() {
        return fencingToken;
    }

    /** @return why the lease is known to have ended */
    public String reason() {
        return reason;
    }

    /** @return the renewal failure that ended the lease, when there was one */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return "LockLost[" + locker + ", " + key + ", token " + fencingToken + ": " + reason + "]";
    }
}
