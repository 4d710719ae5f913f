package io.github.locker.benchmarks;

import io.github.locker.Lock;
import io.github.locker.Locked;
import io.github.locker.Locker;
import io.github.locker.cdi.LockerExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.literal.NamedLiteral;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 5: what {@code @Locked} costs beyond the lock cycle, on Weld SE with a locker on this run's
 * Redis. {@code direct} runs the work through {@link Locker#call}; {@code intercepted} calls a bean
 * method annotated {@code @Locked} (client proxy, interceptor, key template). Both take the same
 * lock with the same options. With {@code lock=redis} each call is a full Redis cycle; with
 * {@code lock=held} the thread already holds the key, so both calls re-enter it locally and the
 * difference is the interceptor's own cost, free of the network's noise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(1)
public class LockedInterceptorBenchmark {
    // not "bench": the forks get -Dlocker.bench.redis and -Dlocker.bench.etcd (Loopback), which the deployment would check as settings of a locker "bench"
    private static final String LOCKER = "intercepted";

    /** {@code redis}: every call a Redis lock cycle; {@code held}: every call a local re-entry. */
    @Param({"redis", "held"})
    public String lock;

    private WeldContainer container;
    private Guarded guarded;
    private Locker locker;
    private final Work plain = new Work();
    private final String key = "interceptor:" + UUID.randomUUID();
    private Lock outer;

    /** The work both paths do: count, so the call has a result. */
    public static class Work {
        private long calls;

        /** @return how many calls so far */
        public long next() {
            return ++calls;
        }
    }

    /** The same work behind {@code @Locked}. */
    @ApplicationScoped
    public static class Guarded {
        private final Work work = new Work();

        /**
         * @param key the lock's name
         * @return how many calls so far
         */
        @Locked(locker = LOCKER, key = "{key}")
        public long work(String key) {
            return work.next();
        }
    }

    @Setup(Level.Trial)
    public void startContainer() {
        Map.of("locker." + LOCKER + ".driver", "redis",
                "locker." + LOCKER + ".lease-time", UncontendedCycleBenchmark.LEASE.toSeconds() + "s",
                "redis." + LOCKER + ".uri", Loopback.redisUri()).forEach(System::setProperty);
        container = new Weld().disableDiscovery().addExtension(new LockerExtension()).addBeanClass(Guarded.class)
                .initialize();
        guarded = container.select(Guarded.class).get();
        locker = container.select(Locker.class, NamedLiteral.of(LOCKER)).get();
        if ("held".equals(lock)) {
            outer = locker.lock(key);
        }
    }

    @TearDown(Level.Trial)
    public void stopContainer() {
        if (outer != null) {
            outer.unlock();
        }
        container.shutdown();
    }

    /** @return the work's result, run under the lock through the locker */
    @Benchmark
    public long direct() {
        return locker.call(key, plain::next);
    }

    /** @return the work's result, run under the lock by the interceptor */
    @Benchmark
    public long intercepted() {
        return guarded.work(key);
    }
}
