package io.github.locker.tck.redis;

import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisClusterServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Redis driver on a three-master {@link RedisClusterServer}, for the contracts that stop no
 * server: a cluster without replicas does not survive losing a master, so {@link #server()} is
 * left unsupported.
 */
final class RedisClusterTckBackend implements TckBackend {
    private final RedisClusterServer cluster;

    /** @param cluster the cluster the test class registered */
    RedisClusterTckBackend(RedisClusterServer cluster) {
        this.cluster = cluster;
    }

    @Override
    public String driver() {
        return "redis";
    }

    @Override
    public Map<String, String> section() {
        return Map.of("uri", cluster.uris(), "timeout", "2s");
    }

    /**
     * @return a section on the cluster whose releases use {@code PUBLISH}, which the Cluster forwards
     *     to every node, as before Redis 7 ({@code sharded-pubsub=false})
     */
    Map<String, String> plainPubSubSection() {
        Map<String, String> section = new HashMap<>(section());
        section.put("sharded-pubsub", "false");
        return section;
    }

    @Override
    public Duration shortLease() {
        return Duration.ofMillis(600);
    }
}
