package io.github.locker.etcd;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One turn per key among the threads of one locker. Every lock of a locker that is kept alive
 * shares the locker's lease, and so would share one etcd key ({@code <name>/<lease id>}): two
 * threads of the same locker must therefore take turns locally before they queue in etcd. Fair,
 * so local threads are served in arrival order as etcd serves nodes.
 */
final class LocalTurns {
    private final ConcurrentHashMap<String, Turn> byKey = new ConcurrentHashMap<>();

    /** A key's turn and how many threads want it; the count is only changed inside {@code compute}. */
    static final class Turn {
        private final Semaphore semaphore = new Semaphore(1, true);
        private int wanted;
    }

    /**
     * Waits for the key's turn.
     *
     * @param remainingNanos how long to wait; {@link Long#MAX_VALUE} for ever; zero for "only if free now"
     * @param onWaiting run when another thread has the turn, before this one waits for it
     * @return the turn, to {@link #give(String, Turn)} back; null when it did not come in time
     */
    Turn take(String key, long remainingNanos, Runnable onWaiting) throws InterruptedException {
        Turn turn = byKey.compute(key, (k, existing) -> {
            Turn wanted = existing == null ? new Turn() : existing;
            wanted.wanted++;
            return wanted;
        });
        boolean taken = false;
        try {
            // a zero timeout keeps the semaphore's fairness, which a plain tryAcquire() would not
            taken = turn.semaphore.tryAcquire(0, TimeUnit.NANOSECONDS);
            if (taken) {
                return turn;
            }
            onWaiting.run();
            if (remainingNanos == Long.MAX_VALUE) {
                turn.semaphore.acquire();
                taken = true;
            } else {
                taken = turn.semaphore.tryAcquire(remainingNanos, TimeUnit.NANOSECONDS);
            }
            return taken ? turn : null;
        } finally {
            if (!taken) {
                forget(key, turn);
            }
        }
    }

    void give(String key, Turn turn) {
        turn.semaphore.release();
        forget(key, turn);
    }

    private void forget(String key, Turn turn) {
        byKey.computeIfPresent(key, (k, existing) -> --existing.wanted == 0 ? null : existing);
    }
}
