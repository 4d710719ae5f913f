package io.github.locker.benchmarks;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.util.Map;

/** Our library, through its public driver SPI: one backend connection and one locker on it. */
final class OursClient implements LockClient {
    private final LockerBackend backend;
    private final Locker locker;
    private final LockOptions options;

    private OursClient(String driver, Map<String, String> section, Duration lease) {
        this.backend = LockerDriver.find(driver)
                .orElseThrow(() -> new IllegalStateException("driver '" + driver + "' is not on the class path"))
                .connect(BackendConfig.of(driver, "bench", section));
        // the defaults, but a lease equal to the baselines' and a bounded wait
        this.options = LockOptions.defaults().withLeaseTime(lease).withWaitTime(Loopback.WAIT);
        this.locker = backend.locker("bench", options, "bench:");
    }

    static OursClient redis(Duration lease) {
        return new OursClient("redis", Map.of("uri", Loopback.redisUri()), lease);
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
