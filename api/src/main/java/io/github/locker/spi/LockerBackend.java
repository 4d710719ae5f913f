package io.github.locker.spi;

import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import java.util.function.Consumer;

/**
 * An open connection to one backend section, made by {@link LockerDriver#connect}. Many lockers
 * (one per configured locker name) may share it. Thread-safe.
 *
 * <p>{@link #close()} first stops the {@linkplain io.github.locker.LeaderLoop leader loops} of its
 * lockers (their locks are released, so other nodes take over at once), then stops every
 * keep-alive and closes the connection: locks still held end with their lease; no thread of this
 * backend keeps running.
 */
public interface LockerBackend extends AutoCloseable {

    /**
     * @param name the locker's name, used in messages
     * @param defaults the options its calls without options use
     * @param keyPrefix prepended to every key, so lockers with different prefixes never collide
     * @param onLost told when a held lock's lease is lost, at the lease's local end at the latest, on one of
     *     the locker's callback threads (never a client's event loop)
     * @return a locker on this backend
     */
    Locker locker(String name, LockOptions defaults, String keyPrefix, Consumer<LockLost> onLost);

    /**
     * A locker whose losses are only logged.
     *
     * @param name the locker's name, used in messages
     * @param defaults the options its calls without options use
     * @param keyPrefix prepended to every key
     * @return a locker on this backend
     */
    default Locker locker(String name, LockOptions defaults, String keyPrefix) {
        return locker(name, defaults, keyPrefix, lost -> { });
    }

    /** @return where the backend is, for messages: addresses only, never credentials */
    String describe();

    /**
     * Asks the backend for a quick answer: what a readiness check calls.
     *
     * @param timeout how long to wait for it
     * @throws io.github.locker.LockBackendException naming the backend and the cause when it does not answer
     */
    void ping(java.time.Duration timeout);

    @Override
    void close();
}
