package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisClusterServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code replicas-ack} on Cluster: the script and the {@code WAIT} go to the node serving the
 * lock's slot (a routed script elsewhere would fail with MOVED, not with the replicas' count).
 * These masters have no replicas, so every acquisition is released and fails.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisClusterReplicasAckTest {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer();

    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", CLUSTER.uris(), "replicas-ack", "1",
            "replicas-ack-timeout", "50ms"));

    @Test
    void anAcquisitionNoReplicaAcknowledgesIsReleasedOnItsNodeAndFailsWithTheCount() {
        for (int i = 0; i < 6; i++) { // keys on several nodes
            String key = nodes.key() + ":" + i;
            assertThatThrownBy(() -> nodes.newLocker().tryLock(key, LockOptions.defaults().withWaitTime(Duration.ZERO)))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("but only 0 of 1 replicas acknowledged it within PT0.05S");
            String lockKey = RedisKeys.lockKeyOf(key);
            assertThat(CLUSTER.cli(CLUSTER.nodeServing(lockKey), "exists", lockKey)).as("released").isEqualTo("0");
            assertThat(CLUSTER.cli(CLUSTER.nodeServing(lockKey), "get", lockKey + ":fence")).as("the script ran there")
                    .isEqualTo("1");
        }
    }
}
