package io.github.locker.sample;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.LocalDate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The leader task: every instance starts it, one at a time runs it. While this instance holds the
 * lock {@code sample.settle.key}, it settles today's check-ins every {@code sample.settle.interval}
 * (counts users and rewards into the day's settlement), each write fenced with the lock's token.
 * When the leader stops or dies, another instance takes over: at once after a clean stop, within
 * {@code sample.settle.lease-time} after a crash.
 */
@ApplicationScoped
public class DailySettlement {
    @Inject
    @Named("main")
    Locker locker;
    @Inject
    CheckinStore store;
    @ConfigProperty(name = "sample.node-id")
    String node;
    @ConfigProperty(name = "sample.settle.key")
    String key;
    @ConfigProperty(name = "sample.settle.interval")
    Duration interval;
    @ConfigProperty(name = "sample.settle.lease-time")
    Duration leaseTime;

    private volatile LeaderLoop loop;

    void startWithTheApplication(@Observes StartupEvent started) {
        start();
    }

    /** Stops before the beans go away, so the lock is released while the store and the locker still work. */
    void stopWithTheApplication(@Observes ShutdownEvent stopping) throws InterruptedException {
        stop();
    }

    /** Starts contending for the task, unless this instance already does. */
    public void start() {
        LeaderLoop running = loop;
        if (running == null || running.isStopped()) {
            loop = locker.runLoop(key, LockOptions.defaults().withLeaseTime(leaseTime), interval, this::settleToday);
        }
    }

    /**
     * Stops the task here and releases its lock, so another instance takes over at once.
     *
     * @throws InterruptedException when interrupted while waiting for the task to end
     */
    public void stop() throws InterruptedException {
        LeaderLoop running = loop;
        if (running != null) {
            running.stop();
            running.awaitStopped(Duration.ofSeconds(5));
        }
    }

    /** @return whether this instance runs the task now */
    public boolean isLeader() {
        LeaderLoop running = loop;
        return running != null && running.isLeader();
    }

    /** @return the key of the task's lock */
    public String key() {
        return key;
    }

    /** @return the lease of the task's lock */
    public Duration leaseTime() {
        return leaseTime;
    }

    private void settleToday(Lock lock) {
        store.settle(LocalDate.now(), lock.fencingToken(), node);
    }
}
