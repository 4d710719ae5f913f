package io.github.locker.benchmarks;

/**
 * One lock implementation as one node sees it: ours on a driver, or a baseline. The benchmarks
 * drive every implementation through this, so ours and its baselines run the same loop.
 */
interface LockClient extends AutoCloseable {

    /** A lock held, released by {@link #unlock()} from any thread. */
    interface Held {
        /** Releases the lock. */
        void unlock() throws Exception;
    }

    /**
     * Takes the lock, waiting at most {@link Loopback#WAIT}.
     *
     * @param key the lock's name
     * @return the held lock
     * @throws Exception when it was not acquired in time or the backend failed
     */
    Held lock(String key) throws Exception;

    /** Closes the connections; locks still held end with their lease. */
    @Override
    void close();
}
