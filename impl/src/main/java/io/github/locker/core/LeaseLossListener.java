package io.github.locker.core;

/** Told by a driver, on one of its threads, when a held lease is known to be lost. */
@FunctionalInterface
public interface LeaseLossListener {

    /**
     * @param lease the lost lease
     * @param reason why it is known to be lost
     * @param cause the renewal failure, or null
     */
    void leaseLost(Lease lease, String reason, Throwable cause);
}
