package io.github.locker.spi;

import io.github.locker.LockOptions;
import io.github.locker.Locker;

/**
 * An open connection to one backend section, made by {@link LockerDriver#connect}. Many lockers
 * (one per configured locker name) may share it. Thread-safe.
 *
 * <p>{@link #close()} stops every keep-alive and closes the connection: locks still held end
 * with their lease; no thread of this backend keeps running.
 */
public interface LockerBackend extends AutoCloseable {

    /**
     * @param name the locker's name, used in messages
     * @param defaults the options its calls without options use
     * @param keyPrefix prepended to every key, so lockers with different prefixes never collide
     * @return a locker on this backend
     */
    Locker locker(String name, LockOptions defaults, String keyPrefix);

    /** @return where the backend is, for messages: addresses only, never credentials */
    String describe();

    @Override
    void close();
}
