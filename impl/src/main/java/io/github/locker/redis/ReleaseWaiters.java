package io.github.locker.redis;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The threads of one backend waiting for a lock to be released, by lock key, in arrival order.
 * A release message wakes one of them (the others would only lose the race to it); a lost message
 * only delays a waiter until its holder's lease would end.
 */
final class ReleaseWaiters {
    private final ConcurrentHashMap<String, Queue<CompletableFuture<Void>>> byLockKey = new ConcurrentHashMap<>();

    /** Registers before the attempt, so a release between a failed attempt and the wait is not missed. */
    CompletableFuture<Void> register(String lockKey) {
        CompletableFuture<Void> wakeUp = new CompletableFuture<>();
        byLockKey.compute(lockKey, (key, queue) -> {
            Queue<CompletableFuture<Void>> waiting = queue == null ? new ConcurrentLinkedQueue<>() : queue;
            waiting.add(wakeUp);
            return waiting;
        });
        return wakeUp;
    }

    void unregister(String lockKey, CompletableFuture<Void> wakeUp) {
        byLockKey.computeIfPresent(lockKey, (key, queue) -> {
            queue.remove(wakeUp);
            return queue.isEmpty() ? null : queue;
        });
    }

    void wakeOne(String lockKey) {
        byLockKey.computeIfPresent(lockKey, (key, queue) -> {
            CompletableFuture<Void> next = queue.poll();
            while (next != null && !next.complete(null)) {
                next = queue.poll();
            }
            return queue.isEmpty() ? null : queue;
        });
    }

    /** After a reconnection messages may have been missed: everyone tries again. */
    void wakeAll() {
        byLockKey.values().forEach(queue -> queue.forEach(wakeUp -> wakeUp.complete(null)));
    }
}
