package io.github.locker.etcd;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One turn per key among the acquisitions of one locker. Every lock of a locker that is kept alive
 * shares the locker's lease, and so would share one etcd key ({@code <name>/<lease id>}): two
 * acquisitions of the same locker must therefore take turns locally before they queue in etcd.
 * Served in arrival order, as etcd serves nodes; a waiting turn is a future, not a thread.
 */
final class LocalTurns {
    private final ReentrantLock guard = new ReentrantLock();
    /** Keys whose turn is taken, with the acquisitions waiting for it; guarded by {@link #guard}, which nothing holds while it waits. */
    private final Map<String, Queue<CompletableFuture<Turn>>> waitingByKey = new HashMap<>();

    /** A key's turn, handed from one acquisition to the next. */
    final class Turn {
        private final String key;

        private Turn(String key) {
            this.key = key;
        }

        /** Gives the turn to the next acquisition still waiting, or frees the key. */
        void give() {
            CompletableFuture<Turn> next;
            do {
                next = nextWaiting(key);
            } while (next != null && !next.complete(this)); // that one gave up meanwhile: the one after it
        }
    }

    /**
     * @return completes with the key's turn, at once when it is free; cancel it to stop waiting
     */
    CompletableFuture<Turn> take(String key) {
        CompletableFuture<Turn> turn = new CompletableFuture<>();
        boolean free;
        guard.lock();
        try {
            Queue<CompletableFuture<Turn>> waiting = waitingByKey.get(key);
            free = waiting == null;
            if (free) {
                waitingByKey.put(key, new ArrayDeque<>());
            } else {
                waiting.add(turn);
            }
        } finally {
            guard.unlock();
        }
        if (free) {
            turn.complete(new Turn(key));
        } else {
            turn.whenComplete((taken, failure) -> {
                if (turn.isCancelled()) {
                    forget(key, turn);
                }
            });
        }
        return turn;
    }

    private CompletableFuture<Turn> nextWaiting(String key) {
        guard.lock();
        try {
            Queue<CompletableFuture<Turn>> waiting = waitingByKey.get(key);
            CompletableFuture<Turn> next = waiting == null ? null : waiting.poll();
            if (next == null) {
                waitingByKey.remove(key);
            }
            return next;
        } finally {
            guard.unlock();
        }
    }

    private void forget(String key, CompletableFuture<Turn> gaveUp) {
        guard.lock();
        try {
            Queue<CompletableFuture<Turn>> waiting = waitingByKey.get(key);
            if (waiting != null) {
                waiting.remove(gaveUp);
            }
        } finally {
            guard.unlock();
        }
    }
}
