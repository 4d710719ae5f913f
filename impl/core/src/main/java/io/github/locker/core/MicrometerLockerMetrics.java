package io.github.locker.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A locker's meters on Micrometer's global registry, where Quarkus, Spring and most applications
 * add their registries (Prometheus, OTLP, ...); with no registry added they cost next to nothing.
 * The meters are made once per locker, so an acquisition only records.
 */
final class MicrometerLockerMetrics implements LockerMetrics {
    /**
     * Locks held now, per locker name. Shared by every locker of that name in the JVM: Micrometer
     * keeps the first gauge registered under a name and tags, so a second locker of the same name
     * (a redeployment) must count into the same number.
     */
    private static final Map<String, AtomicInteger> HELD_NOW = new ConcurrentHashMap<>();

    private final Map<Outcome, Timer> acquisitions = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> waits = new EnumMap<>(Outcome.class);
    private final Timer holds;
    private final Counter losses;
    private final Counter acquireErrors;
    private final Counter releaseErrors;
    private final AtomicInteger heldNow;

    MicrometerLockerMetrics(String locker) {
        MeterRegistry registry = Metrics.globalRegistry;
        for (Outcome outcome : Outcome.values()) {
            acquisitions.put(outcome, Timer.builder("locker.acquire")
                    .description("Acquisition calls, from the call to its outcome: the backend round trip for a free"
                            + " lock, the wait included for a busy one")
                    .tags("locker", locker, "outcome", outcome.tag())
                    .register(registry));
            waits.put(outcome, Timer.builder("locker.wait")
                    .description("Time acquisitions spent waiting for another owner's lock, by how the wait ended")
                    .tags("locker", locker, "outcome", outcome.tag())
                    .register(registry));
        }
        holds = Timer.builder("locker.hold").description("How long locks were held, from acquisition to release or loss")
                .tag("locker", locker).register(registry);
        losses = Counter.builder("locker.lost").description("Held leases lost before their holder released them")
                .tag("locker", locker).register(registry);
        acquireErrors = backendErrors(registry, locker, "acquire");
        releaseErrors = backendErrors(registry, locker, "release");
        heldNow = HELD_NOW.computeIfAbsent(locker, name -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder("locker.locks.held", count, AtomicInteger::get)
                    .description("Locks this process holds now").tag("locker", name)
                    .strongReference(true).register(registry);
            return count;
        });
    }

    private static Counter backendErrors(MeterRegistry registry, String locker, String operation) {
        return Counter.builder("locker.backend.errors").description("Backend requests that failed or timed out")
                .tags("locker", locker, "operation", operation).register(registry);
    }

    @Override
    public Acquisition start() {
        return new Timed(System.nanoTime());
    }

    @Override
    public void lost() {
        losses.increment();
    }

    private static final int WAITING = 0;
    private static final int HOLDING = 1;
    private static final int DONE = 2;

    /** One acquisition's clock and whether its lock still counts as held. */
    private final class Timed implements Acquisition {
        private final long startedAt;
        private volatile long acquiredAt;
        /** When another owner's lock was first met; meaningful once {@link #waited} is set. */
        private long contendedAt;
        private volatile boolean waited;
        /** {@link #WAITING}, {@link #HOLDING} or {@link #DONE}: a loss reported early must not leave a lock counted */
        private final AtomicInteger state = new AtomicInteger(WAITING);

        Timed(long startedAt) {
            this.startedAt = startedAt;
        }

        @Override
        public void contended() {
            // told by the acquiring thread, which also ends the call
            if (!waited) {
                contendedAt = System.nanoTime();
                waited = true;
            }
        }

        @Override
        public void ended(Outcome outcome) {
            long now = System.nanoTime();
            acquisitions.get(outcome).record(now - startedAt, TimeUnit.NANOSECONDS);
            if (waited) {
                waits.get(outcome).record(now - contendedAt, TimeUnit.NANOSECONDS);
            }
            if (outcome == Outcome.ERROR) {
                acquireErrors.increment();
            } else if (outcome == Outcome.ACQUIRED) {
                acquiredAt = now;
                if (state.compareAndSet(WAITING, HOLDING)) {
                    heldNow.incrementAndGet();
                }
            }
        }

        @Override
        public void released() {
            if (state.getAndSet(DONE) == HOLDING) {
                heldNow.decrementAndGet();
                holds.record(System.nanoTime() - acquiredAt, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void releaseFailed() {
            releaseErrors.increment();
        }
    }
}
