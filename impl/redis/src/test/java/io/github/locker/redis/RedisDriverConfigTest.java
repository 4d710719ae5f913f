package io.github.locker.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.LockBackendException;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisDriverConfigTest {
    private final LockerDriver driver = LockerDriver.find("redis").orElseThrow();

    private static BackendConfig section(Map<String, String> properties) {
        return BackendConfig.of("redis", "main", properties);
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertThat(driver).isInstanceOf(RedisDriver.class);
        assertThat(driver.name()).isEqualTo("redis");
    }

    @Test
    void aWellFormedSectionHasNoProblems() {
        assertThat(driver.check(section(Map.of("uri", "redis://127.0.0.1:6379/0", "timeout", "2s")))).isEmpty();
        assertThat(driver.check(section(Map.of("uri", "redis-sentinel://127.0.0.1:26379/0#mymaster")))).isEmpty();
        assertThat(driver.check(section(Map.of("uri", "redis://a:7000,redis://b:7001")))).isEmpty();
    }

    @Test
    void aMisspeltSettingAStrayValueAndAMalformedUriAreEachReportedWithoutTheSecret() {
        assertThat(driver.check(section(Map.of("uri", "redis//:hunter2@localhost:6379", "timout", "2s", "cluster", "yes"))))
                .hasSize(2)
                .contains("'redis.main.timout' is not a setting of redis.main: did you mean 'redis.main.timeout'?")
                .allSatisfy(problem -> assertThat(problem).doesNotContain("hunter2"));
        assertThat(driver.check(section(Map.of("uri", "redis://localhost:6379", "cluster", "yes"))))
                .containsExactly("'redis.main.cluster' must be true or false, was 'yes'");
    }

    @Test
    void shardedPubSubIsOnByDefaultAndTakesOnlyTrueOrFalse() {
        assertThat(RedisSettings.parse(section(Map.of("uri", "redis://a:7000,redis://b:7001"))).shardedPubSub()).isTrue();
        assertThat(RedisSettings.parse(section(Map.of("uri", "redis://a:7000,redis://b:7001", "sharded-pubsub", "FALSE")))
                .shardedPubSub()).isFalse();
        assertThat(driver.check(section(Map.of("uri", "redis://a:7000,redis://b:7001", "sharded-pubsub", "off"))))
                .containsExactly("'redis.main.sharded-pubsub' must be true or false, was 'off'");
        assertThat(driver.check(section(Map.of("uri", "redis://a:7000", "sharded-pubsb", "false"))))
                .containsExactly("'redis.main.sharded-pubsb' is not a setting of redis.main: did you mean "
                        + "'redis.main.sharded-pubsub'?");
    }

    @Test
    void topologyRefreshIsFiveSecondsByDefaultAndAtLeastAMillisecond() {
        assertThat(RedisSettings.parse(section(Map.of("uri", "redis://a:7000,redis://b:7001"))).topologyRefresh())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(RedisSettings.parse(section(Map.of("uri", "redis://a:7000,redis://b:7001", "topology-refresh", "30s")))
                .topologyRefresh()).isEqualTo(Duration.ofSeconds(30));
        assertThat(driver.check(section(Map.of("uri", "redis://a:7000,redis://b:7001", "topology-refresh", "0s"))))
                .containsExactly("'redis.main.topology-refresh' must be at least 1ms, was PT0S");
        assertThat(driver.check(section(Map.of("uri", "redis://a:7000,redis://b:7001", "topology-refresh", "often"))))
                .singleElement().asString().contains("redis.main.topology-refresh").contains("often");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://host:99999 | has the port '99999', which is not a number from 1 to 65535",
            "redis://host:abc | has the port 'abc', which is not a number from 1 to 65535",
            "redis://:hunter2@host:0 | has the port '0', which is not a number from 1 to 65535",
            "redis://host/abc | selects the database 'abc', which is not a number (write e.g. /0)",
            "redis:// | names no host",
            "redis-sentinel://h:26379/0 | names no master: end it with #<master name>, e.g. #mymaster",
            "redis://host:6379/0#x | has a '#x', which only a redis-sentinel:// URI takes (the master's name)",
            "redis://host:6379?timeout=1s | has query parameters, which the driver does not read",
            "unix:///tmp/redis.sock | has the scheme 'unix', not one of [redis, rediss, redis-sentinel, rediss-sentinel]",
            "redis//:hunter2@localhost:6379 | has no scheme (it must begin with redis://, rediss:// or redis-sentinel://)"})
    void eachPartOfAUriIsCheckedBeforeConnectingAndNamedWithoutTheSecret(String uri, String problem) {
        assertThat(driver.check(section(Map.of("uri", uri)))).singleElement().asString()
                .startsWith("'redis.main.uri' " + problem).doesNotContain("hunter2");
    }

    @Test
    void aSentinelUriNamingSeveralSentinelsIsOneUriNotACluster() {
        String uri = "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380, 127.0.0.1:26381/0#mymaster";
        assertThat(driver.check(section(Map.of("uri", uri)))).isEmpty();
        RedisSettings settings = RedisSettings.parse(section(Map.of("uri", uri)));
        assertThat(settings.cluster()).isFalse();
        assertThat(settings.uris()).singleElement().satisfies(one -> assertThat(one.getSentinels()).hasSize(3));
        assertThat(settings.address()).isEqualTo(
                "Redis Sentinel master 'mymaster' via 127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381");
        assertThat(driver.check(section(Map.of("uri", "redis-sentinel://h:26379,h:99999/0#mymaster")))).singleElement()
                .asString().startsWith("'redis.main.uri' has the port '99999'");
        assertThat(driver.check(section(Map.of("uri", "redis-sentinel://h:26379,h:26380/0")))).singleElement()
                .asString().startsWith("'redis.main.uri' names no master");
        assertThat(driver.check(section(Map.of("uri", "redis-sentinel://h:26379/0#mymaster,h:26380")))).singleElement()
                .asString().contains("has no scheme");
        assertThat(driver.check(section(Map.of("uri", "redis-sentinel://h:26379,h:26380/0#mymaster,redis://b:7001"))))
                .singleElement().asString().contains("mixes Cluster (several URIs) and Sentinel");
    }

    @Test
    void replicaAcknowledgementIsOffByDefaultAndItsSettingsAreChecked() {
        RedisSettings plain = RedisSettings.parse(section(Map.of("uri", "redis://h:1")));
        assertThat(plain.replicasAck()).isZero();
        RedisSettings acked = RedisSettings.parse(section(Map.of("uri", "redis://h:1", "replicas-ack", "2",
                "replicas-ack-timeout", "250ms")));
        assertThat(acked.replicasAck()).isEqualTo(2);
        assertThat(acked.replicasAckTimeout()).hasMillis(250);
        assertThat(RedisSettings.parse(section(Map.of("uri", "redis://h:1", "timeout", "400ms", "replicas-ack", "1")))
                .replicasAckTimeout()).as("the default, kept below a shorter command timeout").hasMillis(200);
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "replica-ack", "1", "replicas-ack-timout", "1s"))))
                .containsExactly(
                        "'redis.main.replica-ack' is not a setting of redis.main: did you mean 'redis.main.replicas-ack'?",
                        "'redis.main.replicas-ack-timout' is not a setting of redis.main: did you mean "
                                + "'redis.main.replicas-ack-timeout'?");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "replicas-ack", "-1")))).containsExactly(
                "'redis.main.replicas-ack' must be a whole number of replicas, 0 or more, was '-1'");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "replicas-ack", "one")))).containsExactly(
                "'redis.main.replicas-ack' must be a whole number of replicas, 0 or more, was 'one'");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "replicas-ack", "1", "replicas-ack-timeout", "0s"))))
                .containsExactly("'redis.main.replicas-ack-timeout' must be at least 1ms, was PT0S");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "replicas-ack", "1", "replicas-ack-timeout", "5s"))))
                .containsExactly("'redis.main.replicas-ack-timeout' (PT5S) must be shorter than 'redis.main.timeout' (PT5S): "
                        + "shorten it, or lengthen the timeout");
    }

    @Test
    void aKeyPrefixWithAHashTagIsRefusedWithTheFix() {
        assertThat(driver.checkKeyPrefix("orders:")).isEmpty();
        assertThat(driver.checkKeyPrefix("{orders}:")).singleElement().asString()
                .startsWith("must not contain '{' or '}', which Redis Cluster reads as a hash tag (was '{orders}:')");
    }

    @Test
    void eachMalformedSectionIsNamedWithItsFix() {
        assertThat(driver.check(section(Map.of()))).containsExactly(
                "Redis section 'redis.main' has no 'redis.main.uri': set it to e.g. redis://127.0.0.1:6379");
        assertThat(driver.check(section(Map.of("uri", "http://:secret@host")))).singleElement().asString()
                .startsWith("'redis.main.uri' has the scheme 'http', not one of").doesNotContain("secret");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "timeout", "soon")))).containsExactly(
                "redis.main.timeout 'soon' is not a duration; write e.g. 500ms, 3s, 2m or PT3S");
        assertThat(driver.check(section(Map.of("uri", "redis://h:1", "timeout", "0s")))).containsExactly(
                "redis.main.timeout must be positive, was PT0S");
        assertThatThrownBy(() -> driver.connect(section(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis.main.uri");
    }

    @Test
    void anUnreachableRedisFailsWithItsAddressAndWithoutThePassword() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        BackendConfig config = section(Map.of("uri", "redis://alice:s3cr3t-in-uri@127.0.0.1:" + closedPort,
                "password", "s3cr3t-property", "timeout", "1s"));

        assertThatThrownBy(() -> driver.connect(config))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + closedPort + " is unreachable")
                .satisfies(failure -> assertThat(fullText(failure)).doesNotContain("s3cr3t"));
    }

    private static String fullText(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }
}
