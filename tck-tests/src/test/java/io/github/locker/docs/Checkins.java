package io.github.locker.docs;

import io.github.locker.LockContext;
import io.github.locker.Locked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.LocalDate;

// snippet:checkins:start
@ApplicationScoped
public class Checkins {
    @Inject
    LockContext locks;
    @Inject
    RewardStore store;

    @Locked(key = "checkin:{uid}:{day}", waitTime = "3s", leaseTime = "10s")
    public RewardStore.Reward checkIn(String uid, LocalDate day) {
        long token = locks.current().orElseThrow().fencingToken();
        return store.rewardOnce(uid, day, token); // the store rejects tokens older than its last
    }

    /** A scheduled task: never on two nodes at once (add holdAtLeast so a late node skips the tick too). */
    @Locked(key = "settle-day", onContention = Locked.Contention.SKIP)
    public void settleDay() {
        long token = locks.current().orElseThrow().fencingToken();
        store.settle(LocalDate.now(), token);
    }
}
// snippet:checkins:end
