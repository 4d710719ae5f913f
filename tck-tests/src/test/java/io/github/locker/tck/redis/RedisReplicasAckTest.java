package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisSentinelServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code replicas-ack}: on a master with one replica, an acquisition of every mode is reported only
 * once the replica has its writes, and one that asks for more replicas than answer is released
 * and fails with the count.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisReplicasAckTest {
    @RegisterExtension
    static final RedisSentinelServer REDIS = RedisSentinelServer.withReplicas(1, 1);

    @RegisterExtension
    final Nodes acknowledgedByOne = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "replicas-ack", "1"));

    @RegisterExtension
    final Nodes acknowledgedByTwo = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "replicas-ack", "2",
            "replicas-ack-timeout", "1s"));

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void anAcquisitionIsOnTheReplicaWhenItIsReported(LockMode mode) {
        Locker locker = acknowledgedByOne.newLocker();
        String key = acknowledgedByOne.key();

        try (Lock lock = locker.lock(key, options(mode))) {
            assertThat(lock.isHeld()).isTrue();
            // read at once, on the replica: the WAIT before the report is why it is there already
            assertThat(holdersOn(REDIS.replicas().get(0), key, mode)).as("the hold on the replica").isEqualTo("1");
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void tooFewReplicasFailTheAcquisitionWithTheirCountAndLeaveNothingHeld(LockMode mode) {
        Locker locker = acknowledgedByTwo.newLocker();
        String key = acknowledgedByTwo.key();

        assertThatThrownBy(() -> locker.tryLock(key, options(mode).withWaitTime(Duration.ZERO)))
                .isInstanceOf(LockBackendException.class)
                // the one replica answers, unless a loaded machine delays it past the timeout
                .hasMessageMatching(".* acquired '" + key + "', but only [01] of 2 replicas acknowledged it within PT1S "
                        + "\\(redis.tck.replicas-ack\\): released it");
        assertThat(holdersOn(REDIS.master(), key, mode)).as("the hold on the master, released").isEqualTo("0");
    }

    private static LockOptions options(LockMode mode) {
        return mode == LockMode.PERMIT ? LockOptions.defaults().withPermits(2) : LockOptions.defaults().withMode(mode);
    }

    /** @return how many holds of {@code key} in {@code mode} the server has (the lock key, the readers, the permits) */
    private static String holdersOn(ServerProcess server, String key, LockMode mode) {
        String lockKey = RedisKeys.lockKeyOf(key);
        return switch (mode) {
            case EXCLUSIVE -> REDIS.cli(server, "exists", lockKey);
            case SHARED -> REDIS.cli(server, "zcard", lockKey + ":readers");
            case PERMIT -> REDIS.cli(server, "zcard", lockKey + ":permits");
        };
    }
}
