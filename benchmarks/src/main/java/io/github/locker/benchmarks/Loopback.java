package io.github.locker.benchmarks;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;

/**
 * Where the servers of this run are: {@link RunBenchmarks} starts {@code redis-server} and etcd on
 * loopback ports and hands their addresses to every JMH fork as system properties, so ours and the
 * baselines are measured on the same two server processes.
 */
final class Loopback {
    static final String REDIS_PROPERTY = "locker.bench.redis";
    static final String ETCD_PROPERTY = "locker.bench.etcd";
    /** Every wait in a benchmark is bounded: a broken lock fails the run instead of hanging it. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private Loopback() {
    }

    /** @return {@code redis://127.0.0.1:<port>} of this run's Redis */
    static String redisUri() {
        return required(REDIS_PROPERTY);
    }

    /**
     * @return Lettuce's resources with its command latency histogram off, as our driver has them: it
     *     records every command whenever LatencyUtils is on the class path (Micrometer brings it here),
     *     so every subject on Lettuce leaves it off, and none pays for what only some would record
     */
    static ClientResources lettuceResources() {
        return ClientResources.builder().commandLatencyRecorder(CommandLatencyRecorder.disabled()).build();
    }

    /** @return the client URL of this run's etcd */
    static String etcdEndpoints() {
        return required(ETCD_PROPERTY);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("-D" + property + " is not set: run the benchmarks through benchmarks/run.sh "
                    + "(RunBenchmarks starts the servers and passes their addresses to each fork)");
        }
        return value;
    }
}
