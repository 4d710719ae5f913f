package io.github.locker.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The driver reads the Redis version from a real {@code INFO server} reply, to choose between
 * sharded and plain pub/sub on a Cluster. Only Redis 7.0.15 is installed where this runs, so an
 * older server's reply is checked as text (its {@code redis_version} line, as Redis 6.2 writes it).
 */
class RedisShardedVersionTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void theVersionOfARealServerIsReadFromItsInfoServerReply() {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String info = connection.sync().info("server");
            String version = ShardedReleases.versionIn(info).orElseThrow();
            assertThat(info).contains("redis_version:" + version + "\r\n");
            assertThat(ShardedReleases.majorOf(version)).as(version).isGreaterThanOrEqualTo(ShardedReleases.FIRST_VERSION);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aServerBeforeSevenIsOneWithoutShardedPubSub() {
        String redis62 = "# Server\r\nredis_version:6.2.14\r\nredis_git_sha1:00000000\r\nredis_mode:cluster\r\n";
        assertThat(ShardedReleases.versionIn(redis62)).hasValue("6.2.14");
        assertThat(ShardedReleases.majorOf("6.2.14")).isLessThan(ShardedReleases.FIRST_VERSION);
        assertThat(ShardedReleases.majorOf("7.0.0")).isEqualTo(ShardedReleases.FIRST_VERSION);
        assertThat(ShardedReleases.versionIn("# Server\r\nredis_mode:cluster\r\n")).isEmpty();
        assertThat(ShardedReleases.majorOf("unstable")).isNegative();
    }
}
