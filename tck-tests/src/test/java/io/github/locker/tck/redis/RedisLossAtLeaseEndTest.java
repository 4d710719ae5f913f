package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder cut off from Redis while the server runs on (its ACL user disabled and its connections
 * killed, as an operator or a partition would) is told its loss at the local end of its lease:
 * before another node, on the same server, can take the lock. Also when it unlocks afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisLossAtLeaseEndTest {
    private static final Duration LEASE = Duration.ofMillis(2500);
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private final List<LockerBackend> backends = new CopyOnWriteArrayList<>();
    private final String key = "cut-off:" + UUID.randomUUID();

    @AfterEach
    void close() {
        backends.forEach(LockerBackend::close);
    }

    private Locker locker(String uri, List<Long> lossesAt) {
        LockerBackend backend = LockerDriver.find("redis").orElseThrow()
                .connect(BackendConfig.of("redis", "tck", Map.of("uri", uri, "timeout", "1s")));
        backends.add(backend);
        return backend.locker("cut-off", LockOptions.defaults(), Nodes.PREFIX, (LockLost lost) -> lossesAt.add(System.nanoTime()));
    }

    private static void asAdministrator(Consumer<RedisCommands<String, String>> commands) {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            commands.accept(connection.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void lossIsToldAtTheLocalLeaseEndBeforeAnotherNodeAcquires() throws Exception {
        String user = "holder-" + UUID.randomUUID();
        asAdministrator(redis -> redis.aclSetuser(user, AclSetuserArgs.Builder.on().addPassword(PASSWORD).allKeys()
                .allChannels().allCommands()));
        List<Long> lossesAt = new CopyOnWriteArrayList<>();
        Locker holder = locker("redis://" + user + ":" + PASSWORD + "@127.0.0.1:" + REDIS.process().port(), lossesAt);
        Locker other = locker(REDIS.uri(), new CopyOnWriteArrayList<>());

        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(LEASE));
        CompletableFuture<Long> otherAcquiredAt = other.lockAsync(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(20)))
                .toCompletableFuture().thenApply(lock -> System.nanoTime());
        asAdministrator(redis -> {
            redis.aclSetuser(user, AclSetuserArgs.Builder.off());
            redis.clientKill(KillArgs.Builder.user(user));
        });

        long acquiredAt = otherAcquiredAt.get(20, TimeUnit.SECONDS);
        assertThat(lossesAt).as("the loss was told").hasSize(1);
        assertThat(lossesAt.get(0)).as("told before the other node acquired").isLessThan(acquiredAt);
        assertThat(held.isHeld()).isFalse();
        assertThat(held.unlock()).as("no longer ours").isFalse();
        assertThat(lossesAt).as("told once, the unlock included").hasSize(1);
    }

    @Test
    void aHolderThatUnlocksAfterItsLeaseEndedIsStillToldOfTheLoss() throws Exception {
        List<Long> lossesAt = new CopyOnWriteArrayList<>();
        Locker holder = locker(REDIS.uri(), lossesAt);
        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofMillis(600)).withKeepAlive(false));

        Thread.sleep(1200); // past its fixed lease: nobody renewed it, nobody else took it

        assertThat(held.unlock()).isFalse();
        assertThat(lossesAt).as("a lease that ended under its holder is a loss, unlocked afterwards or not").hasSize(1);
    }
}
