package io.github.locker.tck.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.LeaderLoop;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leader loops on Redis. Each node logs in as an ACL user of its own, so a test can cut one node
 * off (disable its user and kill its connections: it can neither renew nor reconnect) while the
 * others keep working, as a network partition would.
 */
class RedisLeaderLoopTest extends LeaderLoopContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final String PASSWORD = "node-secret";

    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> adminConnection;
    private final Set<String> cut = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void connectAdmin() {
        adminClient = RedisClient.create(REDIS.uri());
        adminConnection = adminClient.connect();
    }

    @AfterAll
    static void disconnectAdmin() {
        adminConnection.close();
        adminClient.shutdown();
    }

    static RedisCommands<String, String> admin() {
        return adminConnection.sync();
    }

    @Override
    protected LockerBackend connectNode(String node) {
        admin().aclSetuser(user(node), AclSetuserArgs.Builder.reset().on().addPassword(PASSWORD)
                .allKeys().allChannels().allCommands());
        return LockerDriver.find("redis").orElseThrow().connect(BackendConfig.of("redis", node, Map.of(
                "uri", REDIS.uri(), "username", user(node), "password", PASSWORD, "timeout", "2s")));
    }

    @Override
    protected void cutOff(String node) {
        cut.add(node);
        admin().aclSetuser(user(node), AclSetuserArgs.Builder.off());
        admin().clientKill(KillArgs.Builder.user(user(node)));
    }

    @AfterEach
    void reconnectTheCutOff() {
        cut.forEach(node -> admin().aclSetuser(user(node), AclSetuserArgs.Builder.on()));
    }

    @Override
    protected String driver() {
        return "Redis";
    }

    private static String user(String node) {
        return "node-" + node;
    }

    @Test
    void aLockDeletedBehindTheLeadersBackIsNoticedAndTakenAgainWithANewToken() {
        LeaderLoop loop = start(node("a"), SHORT_LEASE, ENDLESS_WORK);
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.firstStart("a") != null);

        long deletedAt = System.nanoTime();
        assertThat(admin().del(PREFIX + "{" + key + "}")).as("lock keys deleted").isEqualTo(1);
        await().atMost(SHORT_LEASE.leaseTime()).until(() -> iterations.count("a") >= 1);
        report("lock deleted to the leader's iteration interrupted (renewal every 1 s)",
                iterations.of("a").get(0).endNanos() - deletedAt);
        assertThat(iterations.of("a").get(0).interrupted()).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> iterations.startedTokens("a").size() >= 2);
        assertThat(iterations.startedTokens("a").get(1)).as("the token of the new leadership")
                .isGreaterThan(iterations.startedTokens("a").get(0));
        assertThat(loop.isLeader()).isTrue();
        assertThat(iterations.mostAtOnce()).isEqualTo(1);
    }
}
