package io.github.locker.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where the time of a lock cycle goes: a number of cycles run one after another on one thread,
 * with the wall time and this JVM's CPU time (in all, and by thread group) taken here and the server's own counts (round trips,
 * CPU; on Redis the commands scripts ran and the execution time; on etcd raft proposals) per cycle.
 * What neither side spends on CPU is the two sides waiting for each other.
 */
final class ServerCost {
    /** The prefix of the figures that split the client's CPU by thread group. */
    static final String THREAD_FIGURE = "CPU µs/cycle in ";
    /** The prefix of the figures {@link #withCommands} adds: how many times a cycle ran a command, by its name. */
    static final String COMMAND_FIGURE = "per cycle, command ";
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Thread numbers, so a pool's threads add up to one group: "lettuce-nioEventLoop-4-1" → "lettuce-nioEventLoop". */
    private static final Pattern THREAD_NUMBER = Pattern.compile("[-#]?\\d+");
    /** How many cycles {@link #recordCycles} watches: enough to average, few enough for the slow log to hold. */
    private static final int PROBED_CYCLES = 1_000;

    /** One lock cycle, for the probe to repeat. */
    interface Cycle {
        void run() throws Exception;
    }

    private ServerCost() {
    }

    /**
     * Runs {@value #PROBED_CYCLES} more lock+unlock cycles of a client on a key of their own, on this
     * thread, and records their figures once for the run: for a benchmark's trial tear-down.
     *
     * @param subject what the client is, for the server it runs on
     * @param client the client, still open
     * @throws Exception when a cycle failed
     */
    static void recordCycles(Subject subject, LockClient client) throws Exception {
        String key = "probe:" + UUID.randomUUID();
        Figures.recordOnce(of(subject, PROBED_CYCLES, () -> client.lock(key).unlock()));
    }

    /** @return per-cycle figures of {@code cycles} cycles */
    static Map<String, Double> of(Subject subject, int cycles, Cycle cycle) throws Exception {
        return of(subject, cycles, cycle, false);
    }

    /**
     * @return per-cycle figures of {@code cycles} cycles, on Redis with how many times a cycle ran
     *     each command (those scripts ran named "... in scripts"), {@value #COMMAND_FIGURE} and its name
     */
    static Map<String, Double> withCommands(Subject subject, int cycles, Cycle cycle) throws Exception {
        return of(subject, cycles, cycle, true);
    }

    private static Map<String, Double> of(Subject subject, int cycles, Cycle cycle, boolean byCommand) throws Exception {
        cycle.run(); // a first cycle on this thread may set things up (a lease): not what a cycle costs
        Map<String, Double> figures = new LinkedHashMap<>();
        if (subject.onRedis()) {
            try (RedisProbe probe = new RedisProbe()) {
                double serverCpu = probe.cpuSeconds();
                probe.start(100 * cycles);
                repeat(cycles, cycle, figures);
                RedisProbe.Executed executed = probe.stop();
                figures.put("server CPU µs/cycle", (probe.cpuSeconds() - serverCpu) * 1e6 / cycles);
                figures.put("round trips/cycle", (double) executed.roundTrips() / cycles);
                figures.put("commands in scripts/cycle", (double) executed.inScripts() / cycles);
                figures.put("server exec µs/cycle", (double) executed.roundTripMicros() / cycles);
                if (byCommand) {
                    executed.byCommand().forEach((name, count) -> figures.put(COMMAND_FIGURE + name, (double) count / cycles));
                }
            }
        } else {
            EtcdProbe.Counters before = EtcdProbe.read();
            repeat(cycles, cycle, figures);
            EtcdProbe.Counters spent = EtcdProbe.read().minus(before);
            figures.put("server CPU µs/cycle", spent.cpuSeconds() * 1e6 / cycles);
            figures.put("round trips/cycle", spent.unaryRequests() / cycles);
            figures.put("raft proposals/cycle", spent.proposals() / cycles);
        }
        return figures;
    }

    private static void repeat(int cycles, Cycle cycle, Map<String, Double> figures) throws Exception {
        Map<Long, Long> threadsBefore = threadCpu();
        long cpuBefore = OS.getProcessCpuTime();
        long started = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        figures.put("probe wall µs/cycle", (System.nanoTime() - started) / 1e3 / cycles);
        figures.put("client CPU µs/cycle", (OS.getProcessCpuTime() - cpuBefore) / 1e3 / cycles);
        // which threads spent it: the caller's, the client's I/O threads, ours (keep-alive, ...)
        cpuByThreadGroup(threadsBefore, cycles).forEach((group, micros) -> {
            if (micros >= 1) {
                figures.put(THREAD_FIGURE + group, micros);
            }
        });
    }

    /**
     * What the Java threads spent per cycle since {@code before}: the caller's, the client's I/O
     * threads, ours (keep-alive, ...). Precise to the nanosecond, unlike the process's CPU time
     * (counted in 10 ms ticks); the JIT compiler and GC threads are not Java threads, so not in it.
     *
     * @param before {@link #threadCpu()} when the cycles started
     * @param cycles how many cycles ran since
     * @return CPU µs per cycle by thread group: the thread names without their numbers
     */
    static Map<String, Double> cpuByThreadGroup(Map<Long, Long> before, long cycles) {
        Map<String, Double> byThreadGroup = new TreeMap<>();
        threadCpu().forEach((id, cpu) -> {
            ThreadInfo thread = THREADS.getThreadInfo(id);
            if (thread != null) {
                double micros = (cpu - before.getOrDefault(id, 0L)) / 1e3 / cycles;
                byThreadGroup.merge(threadGroup(thread.getThreadName()), micros, Double::sum);
            }
        });
        return byThreadGroup;
    }

    /**
     * @param threadName a thread's name
     * @return the name without its numbers, so that a pool's threads make one group
     */
    static String threadGroup(String threadName) {
        return THREAD_NUMBER.matcher(threadName).replaceAll("");
    }

    /** @return the CPU nanoseconds each live Java thread has used so far, by thread id */
    static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }
}
