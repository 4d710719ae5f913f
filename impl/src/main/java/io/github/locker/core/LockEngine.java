package io.github.locker.core;

import io.github.locker.LockOptions;

/** The part of a locker a driver writes: take one lock on its backend, waiting until a deadline. */
public interface LockEngine {

    /**
     * Acquires {@code key}, waking when it is released or its holder's lease ends, until the
     * deadline. A deadline that has passed means exactly one attempt.
     *
     * @param key a valid key, without the locker's prefix
     * @param options the acquisition's lease and keep-alive
     * @param deadline when to give up waiting
     * @param listener told when the acquisition starts to wait, and when the lease, once held, is lost
     * @return the held lease, or null when another owner still held the lock at the deadline
     * @throws InterruptedException when the waiting thread was interrupted
     * @throws io.github.locker.LockBackendException when the backend failed
     */
    Lease acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) throws InterruptedException;

    /** @return the backend, for messages: its kind and addresses, never credentials */
    String describe();
}
