package io.github.locker.docs;

import io.github.locker.LeaderLoop;
import io.github.locker.LockOptions;
import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.LocalDate;

// snippet:leader:start
@ApplicationScoped
public class DailySettlement {
    @Inject
    @Named("jobs")
    Locker jobs;
    @Inject
    RewardStore store;
    private LeaderLoop settling;

    /** On every node, at start (on Quarkus, {@code @Observes StartupEvent} works too). */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        settling = jobs.runLoop("settle-checkins",                 // the task's key: the same on every node
                LockOptions.defaults().withLeaseTime(Duration.ofSeconds(5)), // a crashed leader blocks it 5 s at most
                Duration.ofSeconds(1),                             // the pause between iterations
                lock -> store.settle(LocalDate.now(), lock.fencingToken())); // fence the writes with the leader's token
    }
}
// snippet:leader:end

/** The simple periodic form: a scheduled method that two nodes must not run at once. */
class NightlyReport {
    @Inject
    RewardStore store;

    // snippet:periodic:start
    // @Scheduled(every = "10m") on Quarkus, @Schedule on Jakarta EE
    @Locked(locker = "jobs", key = "nightly-report", waitTime = "0s", onContention = Locked.Contention.SKIP,
            leaseTime = "10m", holdAtLeast = "9m") // taken for 9 minutes however fast it runs: a late timer skips
    void buildReport() {
        store.buildReport(); // runs on the node that got the lock this tick
    }
    // snippet:periodic:end
}
