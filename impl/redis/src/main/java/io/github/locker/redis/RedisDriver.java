package io.github.locker.redis;

import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.util.List;

/**
 * The {@code redis} driver, on Lettuce. A section {@code redis.<id>.*} takes:
 * <ul>
 *   <li>{@code uri}: {@code redis://host:6379/0}, {@code rediss://...} (TLS),
 *       {@code redis-sentinel://h1:26379,h2:26379/0#mymaster} (the sentinels, comma-separated); several
 *       URIs, comma-separated, each with its scheme, mean a Cluster;</li>
 *   <li>{@code cluster}: {@code true} to treat a single URI as a Cluster seed;</li>
 *   <li>{@code username}, {@code password}: ACL credentials, overriding those in the URI; never logged;</li>
 *   <li>{@code tls.ca-file}: with {@code rediss://}, the PEM CA to verify the server with (default: the JDK's);</li>
 *   <li>{@code timeout}: how long one command may take (default 5s);</li>
 *   <li>{@code sharded-pubsub}: on a Cluster of Redis 7 or later, announce releases with {@code SPUBLISH} to the
 *       key's shard only (default {@code true}); {@code false} keeps {@code PUBLISH}, which the Cluster sends to
 *       every node.</li>
 *   <li>{@code topology-refresh}: on a Cluster, how often the slot map is read again besides when a node
 *       redirects a command or stays unreachable (default {@code 5s}), so commands and subscriptions follow a
 *       master's failover.</li>
 *   <li>{@code replicas-ack}, {@code replicas-ack-timeout}: how many replicas must acknowledge an
 *       acquisition's writes ({@code WAIT}) before it counts, and how long it waits for them
 *       (default 0: none; 500ms).</li>
 * </ul>
 * It ships in {@code io.github.locker:locker-redis}, which brings Lettuce.
 */
public final class RedisDriver implements LockerDriver {
    /** The driver's name, in {@code locker.<name>.driver=redis}. */
    public static final String NAME = "redis";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> check(BackendConfig config) {
        return RedisSettings.problems(config);
    }

    @Override
    public List<String> checkKeyPrefix(String keyPrefix) {
        return keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0
                ? List.of("must not contain '{' or '}', which Redis Cluster reads as a hash tag (was '" + keyPrefix
                        + "'): remove them; the driver puts each key in a hash tag of its own")
                : List.of();
    }

    @Override
    public LockerBackend connect(BackendConfig config) {
        SettingNames.requireNone(check(config));
        return RedisBackend.connect(RedisSettings.parse(config));
    }
}
