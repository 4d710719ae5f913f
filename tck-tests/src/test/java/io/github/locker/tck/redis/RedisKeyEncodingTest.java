package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys beyond ASCII reach Redis as their UTF-8 bytes, read here byte for byte with a codec of
 * Lettuce's own: the driver encodes its arguments itself, and a wrong length would corrupt the
 * command, or put the lock under another name than the one documented.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisKeyEncodingTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "timeout", "2s"));

    private static final LockOptions WAITING = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
            .withWaitTime(Duration.ofSeconds(20));

    @Test
    void aKeyOfTwoAndFourByteCharactersIsStoredAsItsUtf8BytesAndItsReleaseWakesTheWaiter() throws Exception {
        String key = nodes.key() + ":räksmörgås:用户:🔒";
        byte[] lockKey = RedisKeys.lockKeyOf(key).getBytes(StandardCharsets.UTF_8);
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<byte[], byte[]> bytes = client.connect(ByteArrayCodec.INSTANCE)) {
            Lock held = nodes.newLocker().lock(key, WAITING);
            byte[] owner = bytes.sync().get(lockKey);
            assertThat(owner).as("the lock key, byte for byte").isNotNull();
            assertThat(new String(owner, StandardCharsets.UTF_8)).matches("[A-Za-z0-9_-]{16}:\\d+");

            CompletableFuture<Lock> waiting = nodes.newLocker().lockAsync(key, WAITING).toCompletableFuture();
            byte[] waiters = (RedisKeys.lockKeyOf(key) + ":waiters").getBytes(StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(5)).until(() -> bytes.sync().scard(waiters) == 1);
            long releasedAt = System.nanoTime();
            assertThat(held.unlock()).isTrue();
            Lock next = waiting.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt))
                    .as("woken by the release message, not at the 30 s lease end").isLessThan(3000);
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(next.unlock()).isTrue();
            assertThat(bytes.sync().exists(lockKey)).isZero();
        } finally {
            client.shutdown();
        }
    }
}
