package io.github.locker.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The registry's promise that an attempt registering after its answer misses no release: the
 * announcement either finds the waiter or moves the count the waiter read before its attempt. The
 * whole protocol runs on real Redis in the TCK (release messages, hand-offs, shared locks); this is
 * the registry's own bookkeeping, where the race can be set up exactly.
 */
class ReleaseWaitersTest {
    private static final String KEY = "locks:{a}";
    private final ReleaseWaiters waiters = new ReleaseWaiters();

    @Test
    void aReleaseWithNobodyToWakeWakesTheExclusiveAttemptThatWasOnItsWay() {
        long seen = waiters.announcementsSeen(KEY, false);
        waiters.released(KEY); // announced while the attempt was on its way
        assertThat(waiters.register(KEY, false, seen)).isCompleted();
    }

    @Test
    void aReleaseThatWokeAnExclusiveWaiterLeavesTheExclusiveAttemptOnItsWayAsleep() {
        CompletableFuture<Void> first = waiters.register(KEY, false, waiters.announcementsSeen(KEY, false));
        long seen = waiters.announcementsSeen(KEY, false);
        waiters.released(KEY);
        CompletableFuture<Void> late = waiters.register(KEY, false, seen);
        assertThat(first).isCompleted();
        assertThat(late).isNotDone();
        waiters.released(KEY); // the first one's turn ended: the next release is the late one's
        assertThat(late).isCompleted();
    }

    @Test
    void everyReleaseWakesTheSharedAttemptOnItsWayAsItWakesEverySharedWaiter() {
        CompletableFuture<Void> writer = waiters.register(KEY, false, waiters.announcementsSeen(KEY, false));
        CompletableFuture<Void> reader = waiters.register(KEY, true, waiters.announcementsSeen(KEY, true));
        long seen = waiters.announcementsSeen(KEY, true);
        waiters.released(KEY);
        assertThat(writer).isCompleted();
        assertThat(reader).isCompleted();
        assertThat(waiters.register(KEY, true, seen)).isCompleted();
    }

    @Test
    void aWaiterThatRegisteredBeforeTheReleaseIsWokenByIt() {
        long seen = waiters.announcementsSeen(KEY, false);
        CompletableFuture<Void> waiter = waiters.register(KEY, false, seen);
        assertThat(waiter).isNotDone();
        waiters.released(KEY);
        assertThat(waiter).isCompleted();
    }

    @Test
    void aGivenUpWaiterPassesTheReleaseToTheNextOne() {
        CompletableFuture<Void> gaveUp = waiters.register(KEY, false, waiters.announcementsSeen(KEY, false));
        CompletableFuture<Void> next = waiters.register(KEY, false, waiters.announcementsSeen(KEY, false));
        gaveUp.cancel(false); // woken by its timer meanwhile
        waiters.released(KEY);
        assertThat(next).isCompleted();
    }

    @Test
    void anotherKeysReleaseLeavesARegisteredWaiterAlone() {
        long seen = waiters.announcementsSeen(KEY, false);
        CompletableFuture<Void> waiter = waiters.register(KEY, false, seen);
        waiters.released("locks:{b}");
        assertThat(waiter).isNotDone(); // registered: only its own key's release wakes it
    }

    @Test
    void aReconnectionWakesTheAttemptsOnTheirWayToo() {
        long exclusive = waiters.announcementsSeen(KEY, false);
        long shared = waiters.announcementsSeen(KEY, true);
        waiters.wakeAll();
        assertThat(waiters.register(KEY, false, exclusive)).isCompleted();
        assertThat(waiters.register(KEY, true, shared)).isCompleted();
    }
}
