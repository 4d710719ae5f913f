package io.github.locker.benchmarks;

import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Issue 18, items 1 and 2: ours beside its floor and its peers on one backend, in one JVM on one
 * server the tool starts, without JMH's forks, so a change can be judged in a minute. On etcd: ours,
 * the jetcd floor, etcd's Lock service and the jetcd floor sending our driver's requests (what ours
 * costs beyond its protocol); on Redis: ours, the raw-Lettuce floor and ShedLock's
 * Redis provider.
 * <ul>
 *   <li>{@code probe}: per subject, 2,000 uncontended cycles on one thread after a warm-up, with
 *       the client's CPU (by thread group) and allocation, the server's requests (on Redis the
 *       commands scripts ran, on etcd raft proposals) and CPU per cycle; then a hand-off run (16
 *       threads on 2 nodes, one key) with the server's requests per hand-off, for the subjects that
 *       wait. Client CPU and request counts move far less with the machine's load than latency does.</li>
 *   <li>{@code ab}: interleaved rounds (each round runs every subject once, the order rotating),
 *       on 1 and 8 threads each on its own key, and prints per subject the median cycle time and
 *       throughput with the lowest and highest round, and the ratios of the medians.</li>
 *   <li>{@code cycles}: only uncontended cycles of one subject, for a profiler; on Redis with the
 *       server's time per call of each command.</li>
 * </ul>
 * Run: {@code java -cp target/classes:$(cat target/classpath.txt) io.github.locker.benchmarks.CycleSpeed
 * redis|etcd probe|ab [rounds] [seconds]}.
 */
public final class CycleSpeed {
    private static final Map<String, List<Subject>> SUBJECTS = Map.of(
            "etcd", List.of(Subject.OURS_ETCD, Subject.FLOOR_ETCD, Subject.JETCD_LOCK, Subject.FLOOR_ETCD_SAME_REQUESTS),
            "redis", List.of(Subject.OURS_REDIS, Subject.FLOOR_REDIS, Subject.SHEDLOCK_REDIS));
    /** The subjects that wait for a held lock, so that a hand-off can be measured: the floors and ShedLock refuse at once. */
    private static final Set<Subject> WAITING = Set.of(Subject.OURS_ETCD, Subject.JETCD_LOCK, Subject.OURS_REDIS);

    private CycleSpeed() {
    }

    /**
     * @param args {@code redis} or {@code etcd}; then {@code probe} (optionally one subject's id),
     *     {@code ab} (then rounds and seconds per round) or {@code cycles} (then a subject's id, seconds and threads)
     * @throws Exception when a cycle or the server failed
     */
    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "";
        List<Subject> subjects = SUBJECTS.get(backend);
        if (subjects == null) {
            throw new IllegalArgumentException("the first argument names the backend: redis or etcd, not '" + backend + "'");
        }
        String mode = args.length > 1 ? args[1] : "probe";
        AutoCloseable server = startServer(backend);
        try {
            System.out.printf(Locale.ROOT, "load average at start %.2f%n", load());
            if (mode.equals("ab")) {
                ab(subjects, args.length > 2 ? Integer.parseInt(args[2]) : 5, args.length > 3 ? Double.parseDouble(args[3]) : 3);
            } else if (mode.equals("cycles")) {
                cycles(Subject.of(args[2]), Double.parseDouble(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 1);
            } else {
                probe(args.length > 2 ? List.of(Subject.of(args[2])) : subjects);
            }
            System.out.printf(Locale.ROOT, "load average at end %.2f%n", load());
        } finally {
            server.close();
        }
        System.exit(0);
    }

    /** @return the started server, its address in this JVM's {@link Loopback} property, and how to stop it */
    private static AutoCloseable startServer(String backend) {
        if (backend.equals("redis")) {
            RedisServer redis = new RedisServer().start();
            System.setProperty(Loopback.REDIS_PROPERTY, redis.uri());
            return redis::stop;
        }
        EtcdServer etcd = new EtcdServer(1);
        etcd.start();
        System.setProperty(Loopback.ETCD_PROPERTY, etcd.endpoints());
        return () -> etcd.afterAll(null);
    }

    /** @return the server's running totals (CPU, requests), which a run divides by its cycles */
    private static Map<String, Double> serverTotals(Subject subject) throws Exception {
        if (!subject.onRedis()) {
            return EtcdProbe.read().totals();
        }
        try (RedisProbe probe = new RedisProbe()) {
            return probe.totals();
        }
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
                Map<String, Double> figures = ServerCost.withCommands(measured.getKey(), 2_000, () -> client.lock(key).unlock());
                figures.put("Java threads CPU µs/cycle", figures.entrySet().stream()
                        .filter(figure -> figure.getKey().startsWith(ServerCost.THREAD_FIGURE))
                        .mapToDouble(Map.Entry::getValue).sum());
                figures.put("allocated bytes/cycle (Java threads)", allocatedPerCycle(2_000, () -> client.lock(key).unlock()));
                System.out.println(measured.getKey().id() + " uncontended: " + format(figures));
            }
        } finally {
            clients.values().forEach(LockClient::close);
        }
        for (Subject subject : subjects.stream().filter(WAITING::contains).toList()) {
            handOff(subject, 2);
            System.out.println(subject.id() + " hand-off: " + format(handOff(subject, 5)));
        }
    }

    /** Only uncontended cycles of one subject for {@code seconds}, each thread on its own key: for a profiler. */
    private static void cycles(Subject subject, double seconds, int threads) throws Exception {
        try (LockClient client = subject.open(UncontendedCycleBenchmark.LEASE);
                RedisProbe probe = subject.onRedis() ? new RedisProbe() : null) {
            if (probe != null) {
                probe.resetStats();
            }
            Round round = Round.of(subject, client, threads, seconds);
            System.out.printf(Locale.ROOT, "%s, %d thread(s): %.1f µs a cycle; CPU µs/cycle: client %.1f, server %.1f%n",
                    subject.id(), threads, round.cycleMicros(), round.clientCpuMicros(), round.serverCpuMicros());
            if (probe != null) {
                probe.commandStats().forEach(line -> System.out.println("  " + line));
            }
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

    /** 16 threads on 2 nodes take turns on one key for {@code seconds}: the server's requests and CPU per hand-off. */
    private static Map<String, Double> handOff(Subject subject, double seconds) throws Exception {
        LockClient[] nodes = {subject.open(UncontendedCycleBenchmark.LEASE), subject.open(UncontendedCycleBenchmark.LEASE)};
        String key = "handoff:" + UUID.randomUUID();
        Map<Long, Long> threadsBefore = ServerCost.threadCpu();
        Map<String, Double> before = serverTotals(subject);
        long started = System.nanoTime();
        long count;
        double elapsed;
        Map<String, Double> after;
        Map<String, Double> cpu;
        try {
            count = cycles(16, thread -> nodes[thread % 2], thread -> key, seconds);
            elapsed = (System.nanoTime() - started) / 1e9;
            after = serverTotals(subject); // before the close, whose clean-up is no hand-off's
            // the clients' threads, read while they live: the close ends them, and their CPU time with them
            cpu = ServerCost.cpuByThreadGroup(threadsBefore, count);
        } finally {
            for (LockClient node : nodes) {
                node.close();
            }
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("hand-offs/s", count / elapsed);
        new TreeMap<>(after).forEach((total, value) -> figures.put(total + "/hand-off", (value - before.get(total)) / count));
        figures.put("client CPU µs/hand-off (the clients' threads, not the 16 callers')", cpu.values().stream().mapToDouble(Double::doubleValue).sum());
        return figures;
    }

    private static void ab(List<Subject> subjects, int rounds, double seconds) throws Exception {
        Map<Subject, LockClient> clients = new LinkedHashMap<>();
        for (Subject subject : subjects) {
            clients.put(subject, subject.open(UncontendedCycleBenchmark.LEASE));
        }
        try {
            for (int threads : new int[] {1, 8}) {
                Map<Subject, List<Round>> measured = new LinkedHashMap<>();
                subjects.forEach(subject -> measured.put(subject, new ArrayList<>()));
                for (int round = -1; round < rounds; round++) { // round -1 warms up
                    for (int i = 0; i < subjects.size(); i++) {
                        Subject subject = subjects.get(Math.floorMod(round + i, subjects.size()));
                        Round result = Round.of(subject, clients.get(subject), threads, round < 0 ? 2 : seconds);
                        if (round >= 0) {
                            measured.get(subject).add(result);
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%d thread(s), %d rounds of %.1f s, load now %.2f:%n", threads, rounds, seconds, load());
                List<Round> ourRounds = measured.get(subjects.get(0));
                double ours = median(ourRounds.stream().map(Round::cycleMicros).toList());
                double oursCpu = median(ourRounds.stream().map(Round::cpuMicros).toList());
                measured.forEach((subject, all) -> {
                    List<Double> micros = all.stream().map(Round::cycleMicros).toList();
                    double median = median(micros);
                    List<Double> cpus = all.stream().map(Round::cpuMicros).toList();
                    double cpu = median(cpus);
                    System.out.printf(Locale.ROOT, "  %-14s cycle %,8.1f µs (%,.1f–%,.1f)  %,7.0f cycles/s (%,.0f–%,.0f)  ours/it: cycle %.2f×, throughput %.2f×  rounds %s%n",
                            subject.id(), median, min(micros), max(micros), threads * 1e6 / median, threads * 1e6 / max(micros),
                            threads * 1e6 / min(micros), ours / median, median / ours, micros.stream()
                                    .map(value -> String.format(Locale.ROOT, "%.0f", value)).toList());
                    System.out.printf(Locale.ROOT, "  %-14s CPU µs/cycle, client + server %,.1f (%,.1f–%,.1f): client %,.1f, server %,.1f;  ours/it %.2f×%n",
                            "", cpu, min(cpus), max(cpus),
                            median(all.stream().map(Round::clientCpuMicros).toList()),
                            median(all.stream().map(Round::serverCpuMicros).toList()), oursCpu / cpu);
                });
            }
        } finally {
            clients.values().forEach(LockClient::close);
        }
    }

    /**
     * One subject's round of {@code ab} or {@code cycles}, {@code threads} threads each on its own
     * key: the mean cycle time a thread saw, and the CPU time per cycle
     * of this whole JVM (every client's threads, the JIT and GC included) and of the server. CPU time
     * moves less than wall time when other guests share the host's cores.
     */
    private record Round(double cycleMicros, double clientCpuMicros, double serverCpuMicros) {
        static Round of(Subject subject, LockClient client, int threads, double seconds) throws Exception {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double serverBefore = serverTotals(subject).get("server CPU µs");
            long clientBefore = os.getProcessCpuTime();
            long started = System.nanoTime();
            long count = cycles(threads, thread -> client, thread -> "ab:" + UUID.randomUUID(), seconds);
            long elapsed = System.nanoTime() - started;
            double clientCpu = (os.getProcessCpuTime() - clientBefore) / 1e3 / count;
            double serverCpu = (serverTotals(subject).get("server CPU µs") - serverBefore) / count;
            return new Round(threads * elapsed / 1e3 / count, clientCpu, serverCpu);
        }

        double cpuMicros() {
            return clientCpuMicros + serverCpuMicros;
        }
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
