package io.github.locker.tck.nodes;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * One node of a multi-process test: a separate JVM with its own connection, driven by the test
 * through its arguments, its standard input (commands) and its standard output (one line per
 * fact). Modes:
 * <ul>
 *   <li>{@code contend <threads> <iterations> <journal>}: every thread takes the lock, records its
 *       section in the journal, releases; prints {@code DONE sections=<n> backend-errors=<m>};
 *       {@code contend-shared} the same with every fourth thread exclusive and the others shared,
 *       {@code contend-permits ... <permits>} with every thread taking a permit;</li>
 *   <li>{@code contend-until-stopped <threads> <journal> <section ms>}: as {@code contend}, each
 *       section lasting that long, until the command {@code STOP}; its DONE line adds
 *       {@code lost=<LockLost events>};</li>
 *   <li>{@code hold <lease ms> <register>}: takes the lock, prints {@code HELD <token>}, obeys
 *       commands; {@code hold-shared} takes it shared, {@code hold-permit} one permit of 1;</li>
 *   <li>{@code acquire <wait ms> <lease ms> <register>}: prints {@code WAITING}, takes the lock,
 *       writes its token to the register, prints {@code ACQUIRED <token> <accepted>}, obeys
 *       commands; {@code acquire-permit} takes one permit of 1;</li>
 *   <li>{@code hold-pair}, {@code acquire-pair}, {@code contend-pairs}: the same with two keys.</li>
 * </ul>
 * Commands: {@code ISHELD} (prints {@code ISHELD <bool>}), {@code WRITE} (a fenced write with the
 * lock's token: {@code WRITE <accepted>}), {@code UNLOCK} ({@code UNLOCKED <bool>}), {@code EXIT}.
 */
public final class NodeMain {
    /** How many of this node's locks were lost (the LockLost events), for the DONE line. */
    private static final AtomicInteger LOST = new AtomicInteger();
    /** Set by the {@code STOP} command of {@code contend-until-stopped}: each thread ends after its current round. */
    private static final AtomicBoolean STOPPED = new AtomicBoolean();

    private NodeMain() {
    }

    /**
     * @param args {@code <node name> <driver> <backend properties file> <key> <mode> <mode arguments...>}
     * @throws Exception any failure, which ends the process with a stack trace
     */
    public static void main(String[] args) throws Exception {
        String node = args[0];
        Map<String, String> backend = new HashMap<>();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[2]))) {
            properties.load(reader);
        }
        properties.stringPropertyNames().forEach(name -> backend.put(name, properties.getProperty(name)));
        try (var connection = LockerDriver.find(args[1]).orElseThrow().connect(BackendConfig.of(args[1], "tck", backend))) {
            Locker locker = connection.locker(node, LockOptions.defaults(), "locker:tck:",
                    lost -> {
                        LOST.incrementAndGet();
                        say("LOST " + lost.fencingToken());
                    });
            String key = args[3];
            switch (args[4]) {
                case "contend" -> contend(locker, key, node, Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                        new Journal(Path.of(args[7])), thread -> null, Duration.ZERO);
                case "contend-shared" -> contend(locker, key, node, Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                        new Journal(Path.of(args[7])), thread -> thread % 4 == 0 ? null : "S", Duration.ZERO);
                case "contend-permits" -> contend(locker, key, node, Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                        new Journal(Path.of(args[7])), thread -> "P" + args[8], Duration.ZERO);
                case "contend-until-stopped" -> {
                    stopOnCommand();
                    contend(locker, key, node, Integer.parseInt(args[5]), Integer.MAX_VALUE, new Journal(Path.of(args[6])),
                            thread -> null, Duration.ofMillis(Long.parseLong(args[7])));
                }
                case "contend-pairs" -> contendPairs(locker, key, node, Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                        Path.of(args[7]));
                case "hold", "hold-shared", "hold-permit" -> {
                    Lock lock = locker.lock(key, kindOf(args[4]).withLeaseTime(Duration.ofMillis(Long.parseLong(args[5]))));
                    obey(lock::isHeld, lock.fencingToken(), lock::unlock, new FencedRegister(Path.of(args[6])), "HELD");
                }
                case "acquire", "acquire-permit" -> {
                    say("WAITING");
                    Lock lock = locker.lock(key, kindOf(args[4]).withWaitTime(Duration.ofMillis(Long.parseLong(args[5])))
                            .withLeaseTime(Duration.ofMillis(Long.parseLong(args[6]))));
                    FencedRegister register = new FencedRegister(Path.of(args[7]));
                    say("ACQUIRED " + lock.fencingToken() + " " + register.write(lock.fencingToken(), node));
                    obey(lock::isHeld, lock.fencingToken(), lock::unlock, register, null);
                }
                case "hold-pair" -> {
                    MultiLock both = locker.lockAll(pairOf(key), LockOptions.defaults()
                            .withLeaseTime(Duration.ofMillis(Long.parseLong(args[5]))));
                    // the register is fenced with the first key's token; the second key's is checked by its own lock
                    obey(both::isHeld, both.locks().get(0).fencingToken(), both::unlock, new FencedRegister(Path.of(args[6])),
                            "HELD");
                }
                case "acquire-pair" -> {
                    say("WAITING");
                    MultiLock both = locker.lockAll(pairOf(key), LockOptions.defaults()
                            .withWaitTime(Duration.ofMillis(Long.parseLong(args[5])))
                            .withLeaseTime(Duration.ofMillis(Long.parseLong(args[6]))));
                    FencedRegister register = new FencedRegister(Path.of(args[7]));
                    long token = both.locks().get(0).fencingToken();
                    say("ACQUIRED " + token + " " + register.write(token, node));
                    obey(both::isHeld, token, both::unlock, register, null);
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[4]);
            }
        }
    }

    /** @return the options of a {@code hold} or {@code acquire} mode: exclusive, shared, or one permit of a semaphore of 1 */
    private static LockOptions kindOf(String mode) {
        if (mode.endsWith("-shared")) {
            return LockOptions.defaults().withMode(LockMode.SHARED);
        }
        return mode.endsWith("-permit") ? LockOptions.defaults().withPermits(1) : LockOptions.defaults();
    }

    /** The two keys of {@code hold-pair} and {@code acquire-pair}, named in the order opposite to the one they are taken in. */
    private static List<String> pairOf(String key) {
        return List.of(key + ":b", key + ":a");
    }

    /** The keys {@code contend-pairs} takes two at a time, and the journal of each: {@code <key>:<name>} in {@code <dir>/<name>}. */
    public static final List<String> PAIRED_KEYS = List.of("a", "b", "c");

    /**
     * Every thread takes two of three keys together, a different pair each round and in either
     * order, and writes each key's section into that key's journal: a partial hold, or two holders
     * of one key, shows there as an overlap.
     */
    private static void contendPairs(Locker locker, String key, String node, int threads, int iterations, Path journals)
            throws Exception {
        Map<String, Journal> journalOf = new HashMap<>();
        PAIRED_KEYS.forEach(name -> journalOf.put(key + ":" + name, new Journal(journals.resolve(name))));
        LockOptions options = LockOptions.defaults().withWaitTime(Duration.ofSeconds(120)).withLeaseTime(Duration.ofSeconds(5));
        AtomicInteger rounds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String thread = node + "/" + t;
            int offset = t;
            workers.add(pool.submit((Callable<Void>) () -> {
                for (int i = 0; i < iterations; i++) {
                    String first = key + ":" + PAIRED_KEYS.get((i + offset) % 3);
                    String second = key + ":" + PAIRED_KEYS.get((i + offset + 1) % 3);
                    List<String> pair = (i + offset) % 2 == 0 ? List.of(first, second) : List.of(second, first);
                    try (MultiLock both = locker.lockAll(pair, options)) {
                        for (Lock lock : both.locks()) {
                            journalOf.get(lock.key()).enter(lock.fencingToken(), thread);
                        }
                        rounds.incrementAndGet();
                        for (Lock lock : both.locks()) {
                            journalOf.get(lock.key()).exit(lock.fencingToken(), thread);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        say("DONE rounds=" + rounds.get());
    }

    /**
     * @param kindOfThread a thread's hold by its number: null for exclusive, {@code S} for shared,
     *     {@code P<n>} for a permit of n (as the journal writes them)
     */
    private static void contend(Locker locker, String key, String node, int threads, int iterations, Journal journal,
            IntFunction<String> kindOfThread, Duration section) throws Exception {
        AtomicInteger backendErrors = new AtomicInteger();
        AtomicInteger sections = new AtomicInteger();
        // a short lease: a release lost while the backend restarts frees the lock soon after anyway
        LockOptions options = LockOptions.defaults().withWaitTime(Duration.ofSeconds(120)).withLeaseTime(Duration.ofSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String thread = node + "/" + t;
            String kind = kindOfThread.apply(t);
            LockOptions held = kind == null ? options
                    : kind.equals("S") ? options.withMode(LockMode.SHARED) : options.withPermits(Integer.parseInt(kind.substring(1)));
            workers.add(pool.submit((Callable<Void>) () -> {
                for (int i = 0; i < iterations && !STOPPED.get(); i++) {
                    try (Lock lock = locker.lock(key, held)) {
                        if (kind == null) {
                            journal.enter(lock.fencingToken(), thread);
                        } else {
                            journal.enter(lock.fencingToken(), thread, kind);
                            TimeUnit.MILLISECONDS.sleep(1); // long enough for holds that may overlap to overlap
                        }
                        if (!section.isZero()) {
                            TimeUnit.NANOSECONDS.sleep(section.toNanos()); // a lock lost meanwhile shows as an overlap
                        }
                        sections.incrementAndGet();
                        journal.exit(lock.fencingToken(), thread);
                    } catch (LockBackendException unreachable) {
                        // expected while a test restarts the backend: counted, then the node goes on
                        backendErrors.incrementAndGet();
                        TimeUnit.MILLISECONDS.sleep(100);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        say("DONE sections=" + sections.get() + " backend-errors=" + backendErrors.get() + " lost=" + LOST.get());
    }

    /** Sets {@link #STOPPED} when the test sends {@code STOP}, read on a thread of its own while the contenders run. */
    private static void stopOnCommand() {
        Thread reader = new Thread(() -> {
            try {
                BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                    if (command.trim().equals("STOP")) {
                        break;
                    }
                }
            } catch (IOException ended) {
                // the test is gone: stop as well
            }
            STOPPED.set(true);
        }, "commands");
        reader.setDaemon(true);
        reader.start();
    }

    /** Answers the test's commands about the lock (or locks) this node holds, until EXIT or the end of its input. */
    private static void obey(BooleanSupplier isHeld, long token, BooleanSupplier unlock, FencedRegister register,
            String announce) throws IOException {
        if (announce != null) {
            say(announce + " " + token);
        }
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            switch (command.trim()) {
                case "ISHELD" -> say("ISHELD " + isHeld.getAsBoolean());
                case "WRITE" -> say("WRITE " + register.write(token, "late write"));
                case "UNLOCK" -> say("UNLOCKED " + unlock.getAsBoolean());
                case "EXIT" -> {
                    return;
                }
                default -> say("UNKNOWN " + command);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
