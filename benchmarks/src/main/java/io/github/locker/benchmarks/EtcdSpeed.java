package io.github.locker.benchmarks;

import io.github.locker.tck.servers.EtcdServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Issue 18, item 1: ours on etcd beside the jetcd floor and etcd's Lock service, in one JVM on one
 * etcd the tool starts, without JMH's forks, so a change can be judged in a minute.
 * <ul>
 *   <li>{@code probe}: per subject, 2,000 uncontended cycles on one thread after a warm-up, with
 *       the client's CPU (by thread group), etcd's requests, raft proposals and CPU per cycle; then
 *       a hand-off run (16 threads on 2 nodes, one key) with etcd's requests per hand-off. Client
 *       CPU and request counts move far less with the machine's load than latency does.</li>
 *   <li>{@code ab}: interleaved rounds (each round runs every subject once, the order rotating),
 *       on 1 and 8 threads each on its own key, and prints per subject the median cycle time and
 *       throughput with the lowest and highest round, and the ratios of the medians.</li>
 * </ul>
 * Run: {@code java -cp target/classes:$(cat target/classpath.txt) io.github.locker.benchmarks.EtcdSpeed probe|ab [rounds] [seconds]}.
 */
public final class EtcdSpeed {
    private static final List<Subject> SUBJECTS = List.of(Subject.OURS_ETCD, Subject.FLOOR_ETCD, Subject.JETCD_LOCK);

    private EtcdSpeed() {
    }

    /**
     * @param args {@code probe} or {@code ab}, then rounds and seconds per round (ab)
     * @throws Exception when a cycle or the server failed
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "probe";
        EtcdServer etcd = new EtcdServer(1);
        try {
            etcd.start();
            System.setProperty(Loopback.ETCD_PROPERTY, etcd.endpoints());
            System.out.printf(Locale.ROOT, "load average at start %.2f%n", load());
            if (mode.equals("ab")) {
                ab(args.length > 1 ? Integer.parseInt(args[1]) : 5, args.length > 2 ? Double.parseDouble(args[2]) : 3);
            } else if (mode.equals("cycles")) {
                cycles(Subject.of(args[1]), Integer.parseInt(args[2]));
            } else {
                probe(args.length > 1 ? List.of(Subject.of(args[1])) : SUBJECTS);
            }
            System.out.printf(Locale.ROOT, "load average at end %.2f%n", load());
        } finally {
            etcd.afterAll(null);
        }
        System.exit(0);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void probe(List<Subject> subjects) throws Exception {
        // every subject warmed before any is measured: they share jetcd, gRPC and Netty, whose code the
        // first one run would otherwise pay the JIT's warm-up for
        Map<Subject, LockClient> clients = new LinkedHashMap<>();
        String key = "probe:" + UUID.randomUUID();
        for (Subject subject : subjects) {
            LockClient client = subject.open(UncontendedCycleBenchmark.LEASE);
            clients.put(subject, client);
            for (int i = 0; i < 5_000; i++) {
                client.lock(key).unlock();
            }
        }
        try {
            for (Map.Entry<Subject, LockClient> measured : clients.entrySet()) {
                LockClient client = measured.getValue();
                Map<String, Double> figures = ServerCost.of(measured.getKey(), 2_000, () -> client.lock(key).unlock());
                figures.put("Java threads CPU µs/cycle", figures.entrySet().stream()
                        .filter(figure -> figure.getKey().startsWith(ServerCost.THREAD_FIGURE))
                        .mapToDouble(Map.Entry::getValue).sum());
                figures.put("allocated bytes/cycle (Java threads)", allocatedPerCycle(2_000, () -> client.lock(key).unlock()));
                System.out.println(measured.getKey().id() + " uncontended: " + format(figures));
            }
        } finally {
            clients.values().forEach(LockClient::close);
        }
        for (Subject subject : subjects.stream().filter(subject -> subject != Subject.FLOOR_ETCD).toList()) {
            handOff(subject, 2);
            System.out.println(subject.id() + " hand-off: " + format(handOff(subject, 5)));
        }
    }

    /** Only {@code count} uncontended cycles of one subject on one thread: for a profiler. */
    private static void cycles(Subject subject, int count) throws Exception {
        try (LockClient client = subject.open(UncontendedCycleBenchmark.LEASE)) {
            String key = "cycles:" + UUID.randomUUID();
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                client.lock(key).unlock();
            }
            System.out.printf(Locale.ROOT, "%s: %.1f µs a cycle%n", subject.id(), (System.nanoTime() - started) / 1e3 / count);
        }
    }

    /** @return the bytes every Java thread allocated together, per cycle, over {@code cycles} cycles */
    private static double allocatedPerCycle(int cycles, ServerCost.Cycle cycle) throws Exception {
        long before = allocated();
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        return (allocated() - before) / (double) cycles;
    }

    private static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static String format(Map<String, Double> figures) {
        StringBuilder text = new StringBuilder();
        figures.forEach((name, value) -> text.append(String.format(Locale.ROOT, "%n    %s %.1f", name, value)));
        return text.toString();
    }

    /** 16 threads on 2 nodes take turns on one key for {@code seconds}: etcd's requests and CPU per hand-off. */
    private static Map<String, Double> handOff(Subject subject, double seconds) throws Exception {
        LockClient[] nodes = {subject.open(UncontendedCycleBenchmark.LEASE), subject.open(UncontendedCycleBenchmark.LEASE)};
        String key = "handoff:" + UUID.randomUUID();
        Map<Long, Long> threadsBefore = ServerCost.threadCpu();
        EtcdProbe.Counters before = EtcdProbe.read();
        long started = System.nanoTime();
        long count;
        double elapsed;
        EtcdProbe.Counters spent;
        try {
            count = cycles(16, thread -> nodes[thread % 2], thread -> key, seconds);
            elapsed = (System.nanoTime() - started) / 1e9;
            spent = EtcdProbe.read().minus(before); // before the close, whose revocations are no hand-off's
        } finally {
            for (LockClient node : nodes) {
                node.close();
            }
        }
        Map<String, Double> cpu = ServerCost.cpuByThreadGroup(threadsBefore, count);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("hand-offs/s", count / elapsed);
        figures.put("requests/hand-off", spent.unaryRequests() / count);
        figures.put("raft proposals/hand-off", spent.proposals() / count);
        figures.put("server CPU µs/hand-off", spent.cpuSeconds() * 1e6 / count);
        figures.put("client CPU µs/hand-off (Java threads)", cpu.values().stream().mapToDouble(Double::doubleValue).sum());
        return figures;
    }

    private static void ab(int rounds, double seconds) throws Exception {
        Map<Subject, LockClient> clients = new LinkedHashMap<>();
        for (Subject subject : SUBJECTS) {
            clients.put(subject, subject.open(UncontendedCycleBenchmark.LEASE));
        }
        try {
            for (int threads : new int[] {1, 8}) {
                Map<Subject, List<Double>> cycleMicros = new LinkedHashMap<>();
                SUBJECTS.forEach(subject -> cycleMicros.put(subject, new ArrayList<>()));
                for (int round = -1; round < rounds; round++) { // round -1 warms up
                    for (int i = 0; i < SUBJECTS.size(); i++) {
                        Subject subject = SUBJECTS.get(Math.floorMod(round + i, SUBJECTS.size()));
                        double micros = cycleMicros(clients.get(subject), threads, round < 0 ? 2 : seconds);
                        if (round >= 0) {
                            cycleMicros.get(subject).add(micros);
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%d thread(s), %d rounds of %.1f s, load now %.2f:%n", threads, rounds, seconds, load());
                double ours = median(cycleMicros.get(Subject.OURS_ETCD));
                cycleMicros.forEach((subject, all) -> {
                    double median = median(all);
                    System.out.printf(Locale.ROOT, "  %-11s cycle %,8.1f µs (%,.1f–%,.1f)  %,7.0f cycles/s (%,.0f–%,.0f)  ours/it: cycle %.2f×, throughput %.2f×  rounds %s%n",
                            subject.id(), median, min(all), max(all), threads * 1e6 / median, threads * 1e6 / max(all),
                            threads * 1e6 / min(all), ours / median, median / ours, all.stream()
                                    .map(value -> String.format(Locale.ROOT, "%.0f", value)).toList());
                });
            }
        } finally {
            clients.values().forEach(LockClient::close);
        }
    }

    /** @return the mean cycle time a thread saw, µs, with {@code threads} threads each on its own key for {@code seconds} */
    private static double cycleMicros(LockClient client, int threads, double seconds) throws Exception {
        long started = System.nanoTime();
        long count = cycles(threads, thread -> client, thread -> "ab:" + UUID.randomUUID(), seconds);
        return threads * (System.nanoTime() - started) / 1e3 / count;
    }

    /**
     * @param clientOf each thread's client, by its number
     * @param keyOf each thread's key, by its number
     * @return how many lock+unlock cycles {@code threads} threads ran in {@code seconds}
     */
    private static long cycles(int threads, IntFunction<LockClient> clientOf, IntFunction<String> keyOf, double seconds)
            throws Exception {
        LongAdder count = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(threads);
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LockClient client = clientOf.apply(t);
            String key = keyOf.apply(t);
            Thread thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        client.lock(key).unlock();
                        count.increment();
                    }
                } catch (Exception failed) {
                    synchronized (failures) {
                        failures.add(failed);
                    }
                } finally {
                    done.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }
        TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
        running.set(false);
        done.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + threads + " threads failed", failures.get(0));
        }
        return count.sum();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
