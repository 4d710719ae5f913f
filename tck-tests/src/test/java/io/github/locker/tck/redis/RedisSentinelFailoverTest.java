package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.nodes.Journal;
import io.github.locker.tck.nodes.NodeProcess;
import io.github.locker.tck.servers.RedisSentinelServer;
import io.github.locker.tck.servers.ServerProcess;
import io.github.locker.tck.servers.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Sentinel failover under contention, measured: one master, one replica, three sentinels
 * (quorum 2, the master judged down after 1 s); three node JVMs of four threads take one lock in
 * turn and write their sections into a journal while the test SIGKILLs the master. Optionally the
 * replica lags first (SIGSTOP for a moment, so the master's last writes never reach it: replication
 * lag made certain), and optionally the driver waits for one replica's acknowledgement
 * ({@code replicas-ack=1}).
 *
 * <p>What Redis replication promises nothing about (overlaps, a token going back, a lock lost) is
 * printed, not asserted: without acknowledgement each is possible, not certain. Asserted is what
 * the driver promises: service comes back after the failover, every failure meanwhile is a
 * {@link LockBackendException}, and with acknowledgement from the only replica, which is then the
 * one promoted, no token reported to a holder goes back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSentinelFailoverTest {
    private static final Duration SERVICE_BACK_WITHIN = Duration.ofSeconds(20);
    /** How long the replica is frozen before the master dies: the master's writes of that time are lost. */
    private static final Duration REPLICA_LAG = Duration.ofMillis(300);
    /** Sections in the journal before the master is killed: every node contends by then. */
    private static final int SECTIONS_BEFORE = 30;
    private static final Duration CONTENTION_AFTER = Duration.ofMillis(1000);

    private final RedisSentinelServer redis = RedisSentinelServer.withReplicas(1, 3);
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<LockerBackend> backends = new ArrayList<>();
    @TempDir
    Path files;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
        backends.forEach(LockerBackend::close);
        redis.stop();
    }

    @ParameterizedTest(name = "replicas-ack={0}, replica lagging={1}")
    @CsvSource({"0, false", "0, true", "1, true"})
    void killingTheMasterUnderContention(int replicasAck, boolean replicaLags) throws Exception {
        redis.start();
        Map<String, String> section = new HashMap<>(Map.of("uri", redis.uri(), "timeout", "2s"));
        if (replicasAck > 0) {
            section.putAll(Map.of("replicas-ack", Integer.toString(replicasAck), "replicas-ack-timeout", "200ms"));
        }
        String key = "failover:" + UUID.randomUUID();
        Path journal = files.resolve("journal");
        List<String> names = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            names.add("failover-ack" + replicasAck + (replicaLags ? "-lag-" : "-") + n);
            nodes.add(NodeProcess.start(names.get(n - 1), "redis", section, key, "contend-until-stopped", "4", journal.toString(),
                    "5"));
        }
        AtomicInteger testLocksLost = new AtomicInteger();
        Locker holder = locker(section, "holder", testLocksLost);
        Locker other = locker(section, "other", testLocksLost);
        Locker prober = locker(section, "prober", testLocksLost);
        awaitSections(journal, SECTIONS_BEFORE, names);
        int sectionsBefore = Journal.verify(journal).sections();

        ServerProcess master = redis.master();
        ServerProcess replica = redis.replicas().get(0);
        if (replicaLags) {
            // Frozen alone, the replica would still read what the kernel buffered for it once thawed: the master
            // also drops its link, and the frozen replica cannot come back for what it missed until the master is dead.
            Signals.send(replica.pid(), "STOP");
            redis.cli(master, "client", "kill", "type", "replica");
            TimeUnit.MILLISECONDS.sleep(REPLICA_LAG.toMillis());
        }
        // a lock the test holds across the failover, taken last: what the replica may not have
        String heldKey = "held:" + UUID.randomUUID();
        Optional<Lock> held = tryLock(holder, heldKey, LockOptions.defaults().withWaitTime(Duration.ofMillis(500))
                .withLeaseTime(Duration.ofSeconds(10)));
        long killedAt = System.nanoTime();
        master.kill();
        if (replicaLags) {
            Signals.send(replica.pid(), "CONT");
        }

        int newMaster = redis.awaitNewMaster(master, SERVICE_BACK_WITHIN);
        long failedOverMillis = millisSince(killedAt);
        // the dead master comes back as a replica, as a supervisor would bring it: replicas-ack=1 needs one
        redis.rejoinAsReplica(master, newMaster);
        Map<String, Integer> failures = new LinkedHashMap<>();
        long resumedMillis = firstAcquisitionAfter(prober, killedAt, failures);

        // does another owner get the test's lock while the test still believes it holds it?
        boolean heldBefore = held.isPresent();
        boolean believedHeld = held.map(Lock::isHeld).orElse(false);
        Optional<Lock> taken = tryLock(other, heldKey, LockOptions.defaults().withWaitTime(Duration.ZERO));
        boolean twoHoldersOfHeldKey = believedHeld && taken.isPresent() && held.get().isHeld();

        TimeUnit.MILLISECONDS.sleep(CONTENTION_AFTER.toMillis());
        int nodesLocksLost = 0;
        int backendErrors = 0;
        for (NodeProcess node : nodes) {
            node.send("STOP");
        }
        for (NodeProcess node : nodes) {
            // a node that failed otherwise than with LockBackendException ended with a stack trace, not DONE
            String done = node.await("DONE", Duration.ofSeconds(20));
            backendErrors += Integer.parseInt(done.replaceAll(".*backend-errors=(\\d+).*", "$1"));
            nodesLocksLost += Integer.parseInt(done.replaceAll(".*lost=(\\d+).*", "$1"));
        }
        Journal.Verdict verdict = Journal.verify(journal);
        long overlaps = verdict.problems().stream().filter(problem -> problem.contains("entered while")).count();
        long tokensBack = verdict.problems().stream().filter(problem -> problem.contains(": token ")).count();
        System.out.printf("%s replicas-ack=%d replica-lagging=%s: failed over %d ms after the kill, first acquisition "
                        + "%d ms after it (failures meanwhile: %s); journal: %d sections (%d before the kill), %d overlaps, "
                        + "%d tokens going back%s; nodes: %d locks lost, %d backend errors; test's own lock: taken before "
                        + "the kill %s, another owner got it after the failover %s, both at once %s, lost events %d%n",
                getClass().getSimpleName(), replicasAck, replicaLags, failedOverMillis, resumedMillis, failures,
                verdict.sections(), sectionsBefore, overlaps, tokensBack,
                verdict.problems().isEmpty() ? "" : " (first: " + verdict.problems().get(0) + ")",
                nodesLocksLost, backendErrors, heldBefore, taken.isPresent(), twoHoldersOfHeldKey, testLocksLost.get());

        assertThat(resumedMillis).as("ms until an acquisition succeeded after the kill")
                .isLessThan(SERVICE_BACK_WITHIN.toMillis());
        assertThat(failures.keySet()).as("failures of the prober's attempts").allMatch(
                failure -> failure.startsWith(LockBackendException.class.getSimpleName()));
        assertThat(verdict.sections()).as("sections after the failover").isGreaterThan(sectionsBefore);
        if (replicasAck > 0) {
            // the only replica acknowledged every acquisition reported, and it is the one promoted
            assertThat(tokensBack).as("tokens going back, with the only replica acknowledging: " + verdict.problems())
                    .isZero();
        }
    }

    /** Waits until the journal has {@code sections} sections and every node wrote some: each is connected. */
    private static void awaitSections(Path journal, int sections, List<String> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sectionsIn(journal) < sections || !nodes.stream().allMatch(node -> wrote(journal, node))) {
            assertThat(System.nanoTime() - deadline).as("nanoseconds past the deadline for " + sections + " sections from "
                    + nodes + "; the journal has " + sectionsIn(journal) + ", by "
                    + nodes.stream().filter(node -> wrote(journal, node)).toList()).isNegative();
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static boolean wrote(Path journal, String node) {
        try {
            return java.nio.file.Files.readString(journal).contains(" " + node + "/");
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    /** @return the sections in a journal being written: a line half-written yet counts as none */
    private static int sectionsIn(Path journal) {
        try {
            return Journal.verify(journal).sections();
        } catch (RuntimeException halfWritten) {
            return 0;
        }
    }

    private Locker locker(Map<String, String> section, String name, AtomicInteger lost) {
        LockerBackend backend = LockerDriver.find("redis").orElseThrow().connect(BackendConfig.of("redis", "tck", section));
        backends.add(backend);
        return backend.locker(name, LockOptions.defaults(), Nodes.PREFIX, event -> lost.incrementAndGet());
    }

    private static Optional<Lock> tryLock(Locker locker, String key, LockOptions options) {
        try {
            return locker.tryLock(key, options);
        } catch (LockBackendException unacknowledged) {
            return Optional.empty();
        }
    }

    /**
     * Tries a lock of its own every 20 ms until one attempt gets it.
     *
     * @param failures what each failed attempt threw ({@code <class>: <message start>}), counted
     * @return ms from {@code sinceNanos} to that acquisition
     */
    private static long firstAcquisitionAfter(Locker prober, long sinceNanos, Map<String, Integer> failures)
            throws InterruptedException {
        long deadline = sinceNanos + SERVICE_BACK_WITHIN.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                Optional<Lock> lock = prober.tryLock("probe:" + UUID.randomUUID(), LockOptions.defaults().withWaitTime(Duration.ZERO));
                if (lock.isPresent()) {
                    long millis = millisSince(sinceNanos);
                    lock.get().unlock();
                    return millis;
                }
            } catch (RuntimeException failure) {
                // keys and numbers (ports, times) masked, so the same failure counts once
                String message = String.valueOf(failure.getMessage()).replaceAll("'probe:[^']*'", "'probe:*'")
                        .replaceAll("[0-9]+", "#");
                String what = failure.getClass().getSimpleName() + ": " + message.substring(0, Math.min(message.length(), 200));
                failures.merge(what, 1, Integer::sum);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return millisSince(sinceNanos);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
