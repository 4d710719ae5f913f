package io.github.locker.spi;

/**
 * Told by a driver what happens to one acquisition: that it found the lock held and waits, and
 * when the backend says the lease it took is lost (a renewal found the key gone). Called on any of
 * the driver's threads, event loops included: the core hands the news on to the application on its
 * own threads, and tells a loss at the lease's local end by itself, whatever the driver reports.
 */
@FunctionalInterface
public interface AcquisitionListener {

    /**
     * @param lease the lost lease
     * @param reason why it is known to be lost
     * @param cause the renewal failure, or null
     */
    void leaseLost(Lease lease, String reason, Throwable cause);

    /** The lock was held by another owner and the acquisition waits for it: told when it starts waiting, and maybe again after each wake-up. */
    default void contended() {
    }
}
