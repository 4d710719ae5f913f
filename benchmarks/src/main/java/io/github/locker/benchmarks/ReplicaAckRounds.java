package io.github.locker.benchmarks;

import io.github.locker.tck.servers.RedisSentinelServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ReplicaAckCycle} in interleaved rounds, without then with {@code replicas-ack=1}, on
 * one primary with one replica that it starts on loopback, and prints each variant's median cycle
 * with the lowest and highest round, and the load average before and after. Interleaving makes a
 * change of the shared machine's load fall on both variants alike. About 2 minutes with 5 rounds:
 * <pre>java -cp "target/classes:$(cat target/classpath.txt)" io.github.locker.benchmarks.ReplicaAckRounds [rounds]</pre>
 */
public final class ReplicaAckRounds {
    private ReplicaAckRounds() {
    }

    /**
     * @param args optionally the number of rounds (default 5)
     * @throws Exception when a server or a round failed
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        // a primary, its replica, and one sentinel that the benchmark does not use (it connects to the primary)
        RedisSentinelServer redis = RedisSentinelServer.withReplicas(1, 1);
        redis.start();
        Map<String, List<Double>> cycles = new TreeMap<>();
        try {
            String uri = "-D" + Loopback.REDIS_PROPERTY + "=redis://127.0.0.1:" + redis.master().port();
            for (int round = 1; round <= rounds; round++) {
                for (String acks : List.of("0", "1")) {
                    for (RunResult run : new Runner(new OptionsBuilder().include("\\.ReplicaAckCycle\\.")
                            .param("replicasAck", acks).jvmArgsPrepend(uri).shouldFailOnError(true).build()).run()) {
                        cycles.computeIfAbsent(acks, none -> new ArrayList<>()).add(run.getPrimaryResult().getScore());
                    }
                }
            }
        } finally {
            redis.stop();
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.println();
        System.out.printf(Locale.ROOT, "Uncontended lock+unlock, 1 thread, primary with one replica, %d interleaved rounds; "
                + "load average %.2f before, %.2f after%n", rounds, loadBefore, loadAfter);
        cycles.forEach((acks, scores) -> System.out.printf(Locale.ROOT,
                "replicas-ack=%s: median %.1f us per cycle (rounds %.1f-%.1f): %s%n", acks, median(scores),
                scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                scores.stream().map(score -> String.format(Locale.ROOT, "%.1f", score)).toList()));
        double without = median(cycles.get("0"));
        double with = median(cycles.get("1"));
        System.out.printf(Locale.ROOT, "acknowledgement costs %.1f us per cycle (%.2fx)%n", with - without, with / without);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
