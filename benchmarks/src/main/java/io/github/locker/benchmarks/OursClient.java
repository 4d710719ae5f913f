package io.github.locker.benchmarks;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Our library, through its public driver SPI: one backend connection and one locker on it. */
final class OursClient implements LockClient {
    private final LockerBackend backend;
    private final Locker locker;
    private final LockOptions options;

    private OursClient(String driver, Map<String, String> section, Duration lease, UnaryOperator<LockOptions> mode) {
        this.backend = LockerDriver.find(driver)
                .orElseThrow(() -> new IllegalStateException("driver '" + driver + "' is not on the class path"))
                .connect(BackendConfig.of(driver, "bench", section));
        // the defaults, but a lease equal to the baselines' and a bounded wait
        this.options = mode.apply(LockOptions.defaults().withLeaseTime(lease).withWaitTime(Loopback.WAIT));
        this.locker = backend.locker("bench", options, "bench:");
    }

    private OursClient(String driver, Map<String, String> section, Duration lease) {
        this(driver, section, lease, UnaryOperator.identity());
    }

    static OursClient redis(Duration lease) {
        return redis(lease, UnaryOperator.identity());
    }

    /**
     * @param lease every hold's lease
     * @param mode what to change in the options every {@link #lock} uses: a mode, a permit count, keep-alive
     * @return a client of ours on Redis whose {@link #lock} takes the holds those options ask for
     */
    static OursClient redis(Duration lease, UnaryOperator<LockOptions> mode) {
        return new OursClient("redis", Map.of("uri", Loopback.redisUri()), lease, mode);
    }

    /** @param settings more settings of the Redis section than its URI, such as {@code replicas-ack} */
    static OursClient redis(String uri, Map<String, String> settings, Duration lease) {
        java.util.Map<String, String> section = new java.util.HashMap<>(settings);
        section.put("uri", uri);
        return new OursClient("redis", section, lease);
    }

    static OursClient etcd(Duration lease) {
        return new OursClient("etcd", Map.of("endpoints", Loopback.etcdEndpoints()), lease);
    }

    /** @return the locker, for benchmarks that use it directly */
    Locker locker() {
        return locker;
    }

    @Override
    public Held lock(String key) {
        Lock lock = locker.lock(key, options);
        return lock::unlock;
    }

    @Override
    public void close() {
        backend.close();
    }
}
