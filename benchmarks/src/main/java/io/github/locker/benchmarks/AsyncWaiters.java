package io.github.locker.benchmarks;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RLock;

/**
 * One node of a library whose waiters ask for a lock without blocking a thread of the caller's:
 * ours' {@code Locker.lockAsync}, or Redisson's {@code RLock.lockAsync}. Each waiter releases the
 * lock as soon as it has it, so that the next one can be served.
 */
interface AsyncWaiters extends AutoCloseable {

    /**
     * Asks for the lock and returns at once.
     *
     * @param key the lock's name, as {@link LockClient#lock} of the same subject takes it
     * @param waiter this waiter's number, distinct among the waiters of one round
     * @return a stage that completes once the lock was taken and released again
     */
    CompletionStage<Void> lockThenUnlock(String key, long waiter);

    /** Closes the node's connections. */
    @Override
    void close();

    /**
     * @param subject {@link Subject#OURS_REDIS} or {@link Subject#REDISSON}
     * @param lease the lease (ours) or watchdog timeout (Redisson) of every lock taken
     * @param keysWaitedFor how many keys may have waiters at once (Redisson needs room for their subscriptions)
     * @return a new node of that subject, with connections of its own
     */
    static AsyncWaiters open(Subject subject, Duration lease, int keysWaitedFor) {
        return switch (subject) {
            case OURS_REDIS -> new Ours(OursClient.redis(lease), lease);
            case REDISSON -> new Redisson(new RedissonLocks(lease, keysWaitedFor));
            default -> throw new IllegalArgumentException(subject.label() + " has no asynchronous lock to wait with");
        };
    }

    /** Ours: {@code Locker.lockAsync}, waiting forever, with keep-alive, then {@code Lock.unlockAsync}. */
    final class Ours implements AsyncWaiters {
        private final OursClient client;
        private final LockOptions options;

        Ours(OursClient client, Duration lease) {
            this.client = client;
            this.options = LockOptions.defaults().withLeaseTime(lease).waitForever();
        }

        @Override
        public CompletionStage<Void> lockThenUnlock(String key, long waiter) {
            return client.locker().lockAsync(key, options).thenCompose(Lock::unlockAsync).thenAccept(ours -> {
                if (!ours) {
                    throw new IllegalStateException("the lock on '" + key + "' ended before its waiter released it");
                }
            });
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Redisson: {@code RLock.lockAsync(owner)} with its watchdog (no lease argument), then
     * {@code unlockAsync(owner)}. An {@code RLock} belongs to a thread id, and every waiter is
     * issued from the same thread: without an owner of its own each would re-enter the first one's
     * lock instead of waiting for it.
     */
    final class Redisson implements AsyncWaiters {
        /** Above any thread id of this JVM, so that no waiter can be taken for a holder's thread. */
        private static final long FIRST_OWNER = 1L << 40;

        private final RedissonLocks client;

        Redisson(RedissonLocks client) {
            this.client = client;
        }

        @Override
        public CompletionStage<Void> lockThenUnlock(String key, long waiter) {
            RLock lock = client.rlock(key);
            long owner = FIRST_OWNER + waiter;
            return lock.lockAsync(owner).thenCompose(locked -> lock.unlockAsync(owner));
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
