package io.github.locker.tck.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.TckBackend;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The meters a locker reports when the application has Micrometer, read back from a registry
 * added to Micrometer's global registry, as Quarkus and Spring add theirs. Every case drives a
 * real server: acquisitions, a busy lock, a timed-out wait, a lease lost while the server is
 * paused, and a backend that is gone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class MetricsContract {
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    @RegisterExtension
    final Nodes nodes = new Nodes(backend());
    /** Every test's locker has a name of its own, so its meters start at zero. */
    private String name;
    private String key;

    /** @return the driver and server under test */
    protected abstract TckBackend backend();

    @BeforeAll
    static void addRegistry() {
        Metrics.globalRegistry.add(REGISTRY);
    }

    @AfterAll
    static void removeRegistry() {
        Metrics.globalRegistry.remove(REGISTRY);
    }

    @BeforeEach
    void nameLocker() {
        name = "metrics-" + UUID.randomUUID();
        key = nodes.key();
    }

    @AfterEach
    void serverRunning() {
        if (!backend().server().isRunning()) {
            backend().server().start();
        }
    }

    private Timer acquisitions(String outcome) {
        return REGISTRY.get("locker.acquire").tags("locker", name, "outcome", outcome).timer();
    }

    private Timer waits(String outcome) {
        return REGISTRY.get("locker.wait").tags("locker", name, "outcome", outcome).timer();
    }

    private double heldNow() {
        return REGISTRY.get("locker.locks.held").tag("locker", name).gauge().value();
    }

    private double counter(String meter, String... tags) {
        return REGISTRY.get(meter).tag("locker", name).tags(tags).counter().count();
    }

    @Test
    void acquisitionsAreTimedByOutcomeAndHeldLocksCounted() {
        Locker holder = nodes.newLocker(name);
        Locker other = nodes.newLocker(name);
        Duration waitTime = Duration.ofMillis(300);

        Lock first = holder.lock(key);
        Lock second = holder.lock(key + ":2");
        assertThat(heldNow()).isEqualTo(2);
        assertThat(other.tryLock(key)).isEmpty();
        assertThatThrownBy(() -> other.lock(key, LockOptions.defaults().withWaitTime(waitTime)))
                .isInstanceOf(LockTimeoutException.class);
        first.unlock();
        second.unlock();

        assertThat(acquisitions("acquired").count()).isEqualTo(2);
        assertThat(acquisitions("busy").count()).isEqualTo(1);
        assertThat(acquisitions("timeout").count()).isEqualTo(1);
        assertThat(acquisitions("timeout").totalTime(TimeUnit.MILLISECONDS)).as("the timed-out wait")
                .isGreaterThanOrEqualTo(waitTime.toMillis());
        assertThat(acquisitions("error").count()).isZero();
        assertThat(waits("timeout").count()).as("the timed-out wait").isEqualTo(1);
        assertThat(waits("acquired").count()).as("no acquisition waited").isZero();
        assertThat(heldNow()).isZero();
        assertThat(REGISTRY.get("locker.hold").tag("locker", name).timer().count()).isEqualTo(2);
    }

    @Test
    void theWaitForAnotherOwnersLockIsTimedApartFromFreeAcquisitions() throws Exception {
        Locker holder = nodes.newLocker(name);
        Locker waiter = nodes.newLocker(name);
        Duration held = Duration.ofMillis(500);
        Lock first = holder.lock(key);
        Future<Lock> waiting = nodes.threads().submit(() -> waiter.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(20))));
        Thread.sleep(held.toMillis());
        first.unlock();
        waiting.get(20, TimeUnit.SECONDS).unlock();

        assertThat(acquisitions("acquired").count()).isEqualTo(2);
        assertThat(waits("acquired").count()).as("only the second acquisition waited").isEqualTo(1);
        assertThat(waits("acquired").totalTime(TimeUnit.MILLISECONDS)).as("it waited while the first held the lock")
                .isGreaterThan(held.toMillis() / 2).isLessThanOrEqualTo(acquisitions("acquired").totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void retriesThatRunOutAreBusyNotATimeout() {
        Locker locker = nodes.newLocker(name);
        try (Lock held = nodes.newLocker(name).lock(key)) {
            assertThatThrownBy(() -> locker.lock(key, LockOptions.defaults().withRetry(2, Duration.ofMillis(50))))
                    .isInstanceOf(LockNotAcquiredException.class).isNotInstanceOf(LockTimeoutException.class);
        }
        assertThat(acquisitions("busy").count()).isEqualTo(1);
        assertThat(acquisitions("timeout").count()).isZero();
        assertThat(waits("busy").count()).as("the pauses between the retries").isEqualTo(1);
    }

    @Test
    void aReentrantAcquisitionIsNotASecondLock() {
        Locker locker = nodes.newLocker(name);
        try (Lock outer = locker.lock(key); Lock inner = locker.lock(key)) {
            assertThat(heldNow()).isEqualTo(1);
        }
        assertThat(heldNow()).isZero();
        assertThat(acquisitions("acquired").count()).as("only the backend acquisition").isEqualTo(1);
    }

    @Test
    void aLostLeaseIsCountedAndNoLongerHeld() {
        Locker locker = nodes.newLocker(name);
        Duration lease = backend().shortLease();
        Lock lock = locker.lock(key, LockOptions.defaults().withLeaseTime(lease));
        backend().server().pause();
        try {
            await().atMost(lease.multipliedBy(5)).until(() -> !lock.isHeld());
        } finally {
            backend().server().resume();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(counter("locker.lost")).isEqualTo(1);
            assertThat(heldNow()).isZero();
        });
        lock.unlock();
        assertThat(heldNow()).as("the release after the loss counts nothing twice").isZero();
    }

    @Test
    void anUnreachableBackendCountsAsAnError() {
        Locker locker = nodes.newLocker(name);
        locker.run(key, () -> { });
        backend().server().kill();

        assertThatThrownBy(() -> locker.tryLock(key)).isInstanceOf(LockBackendException.class);

        assertThat(acquisitions("error").count()).isEqualTo(1);
        assertThat(counter("locker.backend.errors", "operation", "acquire")).isEqualTo(1);
        assertThat(acquisitions("acquired").count()).isEqualTo(1);
    }
}
