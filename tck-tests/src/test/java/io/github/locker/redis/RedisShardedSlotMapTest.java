package io.github.locker.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.tck.servers.RedisClusterServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A waiter's sharded subscription goes to the node {@link ShardedReleases#masterIn} finds in the
 * slot map: checked against a real Cluster with a replica per master, asked of Redis itself
 * ({@code CLUSTER KEYSLOT}, {@code CLUSTER NODES}), for keys beyond ASCII too.
 */
class RedisShardedSlotMapTest {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer(1);

    @Test
    void theChannelsMasterInTheSlotMapIsTheNodeServingItsSlot() {
        List<RedisURI> seeds = CLUSTER.nodes().stream().map(node -> RedisURI.create("127.0.0.1", node.port())).toList();
        RedisClusterClient client = RedisClusterClient.create(seeds);
        // the slot asked of Redis over a UTF-8 connection: redis-cli would get the key in the locale's charset
        try (StatefulRedisClusterConnection<String, String> connection = client.connect(Utf8Codec.INSTANCE)) {
            Partitions slotMap = client.getPartitions();
            List<String> keys = Stream.concat(IntStream.range(0, 40).mapToObj(i -> "lock-" + i),
                    Stream.of("ключ", "鍵", "clé-ü")).toList();
            for (String key : keys) {
                String channel = ShardedReleases.channelOf("locker:{" + key + "}:waiters");
                int slot = connection.sync().clusterKeyslot(channel).intValue();
                assertThat(Utf8Codec.slotOf(channel)).as(channel).isEqualTo(slot);
                ShardedReleases.Node master = ShardedReleases.masterIn(slotMap, channel);
                assertThat(master).as(channel).isNotNull();
                assertThat(master.port()).as(channel).isEqualTo(CLUSTER.nodeServingSlot(slot).port());
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aSlotMapThatNamesNoMasterForTheSlotGivesNone() {
        assertThat(ShardedReleases.masterIn(List.of(), ShardedReleases.channelOf("locker:{k}"))).isNull();
    }
}
