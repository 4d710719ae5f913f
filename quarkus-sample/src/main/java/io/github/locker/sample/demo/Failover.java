package io.github.locker.sample.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kills the instance that runs the settlement task (SIGKILL: it cannot release its lock, so the
 * lock ends with its lease) and watches another instance take the task over.
 */
final class Failover {
    private static final Duration FIND_LEADER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 100;

    private final Instances instances;
    private final Map<String, Long> pids;

    /**
     * @param instances the running instances
     * @param pids their process ids, by node
     */
    Failover(Instances instances, Map<String, Long> pids) {
        this.instances = instances;
        this.pids = pids;
    }

    /** @return whether another instance took over within the timeout */
    boolean run(PrintStream out) throws IOException, InterruptedException {
        String leader = poll(instances, FIND_LEADER_TIMEOUT).orElseThrow(() -> new IllegalStateException(
                "no instance said it leads within " + FIND_LEADER_TIMEOUT));
        JsonNode view = instances.get(leader, "/leader");
        JsonNode before = view.path("settlement");
        double leaseSeconds = view.path("leaseMillis").asLong() / 1000.0;
        out.printf("killing the leader %s (pid %d) with SIGKILL; its last settlement was fenced with token %d%n",
                leader, pids.get(leader), before.path("fencingToken").asLong());
        ProcessHandle process = ProcessHandle.of(pids.get(leader))
                .orElseThrow(() -> new IllegalStateException(leader + " is not running"));
        long killedAt = System.nanoTime();
        process.destroyForcibly();
        process.onExit().orTimeout(10, TimeUnit.SECONDS).join();

        Instances survivors = instances.without(leader);
        Optional<String> next = poll(survivors, TAKEOVER_TIMEOUT);
        if (next.isEmpty()) {
            out.println("WRONG: no other instance took over within " + TAKEOVER_TIMEOUT);
            return false;
        }
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        JsonNode after = awaitSettlementBy(survivors, next.get());
        out.printf(java.util.Locale.ROOT, "%s took over after %.1f s (the task's lease is %.1f s); it settles now: %d users, "
                + "%d rewards, fenced with token %d%n", next.get(), seconds, leaseSeconds, after.path("users").asInt(),
                after.path("rewards").asLong(), after.path("fencingToken").asLong());
        return true;
    }

    /** @return the settlement once written by {@code node}; at most one interval of the task later */
    private static JsonNode awaitSettlementBy(Instances instances, String node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode settlement = instances.get(node, "/leader").path("settlement");
        while (!node.equals(settlement.path("settledBy").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            settlement = instances.get(node, "/leader").path("settlement");
        }
        return settlement;
    }

    private static Optional<String> poll(Instances instances, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> leader = instances.leader();
        while (leader.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            leader = instances.leader();
        }
        return leader;
    }
}
