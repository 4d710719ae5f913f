package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.LogCapture;
import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis driver on a server that speaks only TLS and on one that requires an ACL user, both
 * real: the certificates are made by {@code openssl} for this run. Secrets never show: not in
 * messages, not in {@code toString()}, not in any log record up to debug level.
 */
class RedisSecurityTest {
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final TlsFiles TLS = TlsFiles.create(Path.of("target", "tls", UUID.randomUUID().toString()));

    @RegisterExtension
    static final RedisServer SECURE = RedisServer.tls(TLS);
    @RegisterExtension
    static final RedisServer WITH_USER = RedisServer.withUser("alice", PASSWORD);

    private static LockerBackend connect(Map<String, String> section) {
        return LockerDriver.find("redis").orElseThrow().connect(BackendConfig.of("redis", "secure", section));
    }

    private static void assertLocks(LockerBackend backend) {
        try (Lock lock = backend.locker("secure", LockOptions.defaults(), "locker:tck:").lock("secure:" + UUID.randomUUID())) {
            assertThat(lock.isHeld()).isTrue();
        } finally {
            backend.close();
        }
    }

    @Test
    void overTlsTheServerIsVerifiedWithTheConfiguredCaAndLocks() {
        assertLocks(connect(Map.of("uri", SECURE.uri(), "tls.ca-file", TLS.caCertificate().toString())));
    }

    @Test
    void overTlsAServerSignedByAnUntrustedCaIsRefusedClearly() {
        assertThatThrownBy(() -> connect(Map.of("uri", SECURE.uri(), "timeout", "3s")))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + SECURE.process().port() + " failed the TLS handshake")
                .hasMessageContaining("tls.ca-file");
    }

    @Test
    void anAclUserLocks() {
        assertLocks(connect(Map.of("uri", WITH_USER.uri(), "username", "alice", "password", PASSWORD)));
    }

    @Test
    void aWrongPasswordFailsAtOnceAndNothingEverShowsAPassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        Map<String, String> section = new HashMap<>(Map.of("uri", "redis://alice:" + wrong + "@127.0.0.1:"
                + WITH_USER.process().port(), "timeout", "3s"));
        StringBuilder everything = new StringBuilder();
        // debug level, as an operator chasing a problem would set it; Lettuce's protocol trace (FINEST)
        // does print every command, AUTH included, and must stay off in production (README, Operations)
        try (LogCapture logs = LogCapture.start(Level.FINE, "")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> connect(section))
                    .isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("Redis at 127.0.0.1:" + WITH_USER.process().port() + " refused the credentials")
                    .hasMessageContaining("check redis.secure.username and redis.secure.password")
                    .satisfies(failure -> everything.append(LogCapture.chain(failure)));
            // the refusal is immediate; the bound only allows for a loaded machine (the timeout is 3 s)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a refusal, not a hang").isLessThan(Duration.ofSeconds(10));

            section.put("uri", WITH_USER.uri());
            section.put("username", "alice");
            section.put("password", PASSWORD);
            LockerBackend backend = connect(section);
            everything.append(backend.describe()).append('\n').append(BackendConfig.of("redis", "secure", section)).append('\n');
            assertLocks(backend);
            assertThat(logs.records()).as("something was logged, or this test proves nothing about logs").isNotEmpty();
            everything.append(logs.text());
        }
        assertThat(everything.toString()).doesNotContain(PASSWORD).doesNotContain(wrong);
    }

    @Test
    void malformedValuesThatCarryAPasswordShowItNowhere() {
        String secret = "secret-" + UUID.randomUUID();
        List<String> malformed = List.of("redis//:" + secret + "@127.0.0.1:6379", "redis://:" + secret + "@127.0.0.1:abc",
                "redis:/" + secret + "@127.0.0.1", "http://alice:" + secret + "@127.0.0.1:6379",
                "redis://:" + secret + "@127.0.0.1:6379?timeout=x", "redis://:pa/" + secret + "@127.0.0.1:6379");
        StringBuilder everything = new StringBuilder();
        try (LogCapture logs = LogCapture.start(Level.FINE, "")) {
            for (String uri : malformed) {
                Map<String, String> section = Map.of("uri", uri, "password", secret);
                everything.append(BackendConfig.of("redis", "secure", section)).append('\n');
                everything.append(String.join("\n", LockerDriver.find("redis").orElseThrow()
                        .check(BackendConfig.of("redis", "secure", section)))).append('\n');
                assertThatThrownBy(() -> connect(section)).isInstanceOf(IllegalArgumentException.class)
                        .satisfies(failure -> everything.append(LogCapture.chain(failure)));
            }
            everything.append(logs.text());
        }
        assertThat(everything.toString()).as("what was shown").contains("redis.secure.uri").doesNotContain(secret);
    }
}
