package io.github.locker;

import java.time.Duration;

/**
 * A task loop that runs on one node at a time: the handle {@link Locker#runLoop} returns (the older
 * library's {@code RunLoopWithLock}). Every node that starts a loop on the same key and backend
 * contends for that key's lock; the node holding it, the <em>leader</em>, runs the body again and
 * again, for as long as its lease holds. Thread-safe.
 *
 * <p>What a loop promises:
 * <ul>
 *   <li><b>The body runs only under the lock.</b> Before each iteration the loop checks that its
 *       lock is still held. The leader <em>steps down</em> when its renewals have failed for two
 *       thirds of the lease (judged on the local monotonic clock), or at once when the backend says
 *       the lock is gone or belongs to another owner: the running iteration is interrupted and no
 *       further one starts. Stepping down while a third of the lease is left means the body is
 *       interrupted before another node can take the lock. A body that ignores the interrupt, or a
 *       whole process that pauses, can still outlive the lease: guard the body's writes with the
 *       {@linkplain Lock#fencingToken() fencing token} of the {@link Lock} it is given.</li>
 *   <li><b>It contends again.</b> After a loss, or while the backend is unreachable, the loop tries
 *       again (waiting for the lock as {@link Locker#lock} does, or backing off up to a second
 *       between attempts on an unreachable backend) until it is stopped.</li>
 *   <li><b>It stops cleanly.</b> {@link #stop()} interrupts a waiting or running loop; once the body
 *       has returned the lock is released, so another node takes over at once rather than at the
 *       end of the lease. Closing the loop's backend (at container shutdown, for lockers made from
 *       configuration) stops its loops the same way first.</li>
 *   <li><b>A failing body does not end the leadership.</b> An exception from the body is logged
 *       and the next iteration follows after the interval, but not sooner than one second later.
 *       An {@link Error} is not handled: it ends the loop, the lock is released, and the Error is
 *       rethrown on the loop's thread, so it reaches that thread's
 *       {@linkplain Thread.UncaughtExceptionHandler uncaught-exception handler} (by default the
 *       JVM's, which prints it), as an Error from any thread's {@code run()} would. The loop is
 *       {@linkplain #isStopped() stopped} by then.</li>
 * </ul>
 *
 * <p>The loop runs on a daemon thread of its own, named after the locker and key. It does not
 * re-enter: the body taking the same key on the same locker waits like any other caller.
 */
public interface LeaderLoop {

    /** @return the key of the lock the loop contends for */
    String key();

    /**
     * @return true while this loop holds its lock: from the moment it is acquired until it is lost,
     *     the loop is stopped, or it is released
     */
    boolean isLeader();

    /** @return true once the loop has ended: its body no longer runs and its lock is released */
    boolean isStopped();

    /**
     * Asks the loop to end and returns at once: no further iteration starts, a running iteration or
     * a wait for the lock is interrupted, and the lock is released once the body has returned.
     * Stopping twice is harmless.
     */
    void stop();

    /**
     * Waits for the loop to end, after {@link #stop()} (or an {@link Error} in the body).
     *
     * @param timeout how long to wait at most
     * @return true when the loop has ended; false when the timeout passed first
     * @throws InterruptedException when the waiting thread was interrupted
     */
    boolean awaitStopped(Duration timeout) throws InterruptedException;
}
