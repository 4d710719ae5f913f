package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.LogCapture;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The etcd driver on a member that speaks only TLS and wants a client certificate, and on one with
 * authentication on and a user whose role covers only the locks' key prefix, both real: the
 * certificates are made by {@code openssl} for this run. Refusals are clear and quick, never a
 * hang; passwords never show: not in messages, not in {@code toString()}, not in any log record of
 * the driver, jetcd, gRPC, Vert.x or Netty at FINEST (except, hex-encoded, gRPC's HTTP/2 frame trace).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdSecurityTest {
    private static final String PREFIX = "locker:tck:";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final TlsFiles TLS = TlsFiles.create(Path.of("target", "tls", UUID.randomUUID().toString()));
    /** Another CA, whose certificates the server does not know and whose clients do not trust the server. */
    private static final TlsFiles STRANGER = TlsFiles.create(Path.of("target", "tls", UUID.randomUUID().toString()));
    /** A refusal takes a round trip or two; the bound only proves it is not a hang (or the 4 s timeout, many times). */
    private static final Duration NO_HANG = Duration.ofSeconds(15);
    private static final String FRAME_TRACE = "io.grpc.netty.NettyClientHandler";

    @RegisterExtension
    static final EtcdServer SECURE = EtcdServer.tls(TLS);
    @RegisterExtension
    static final EtcdServer WITH_USER = EtcdServer.withUser("alice", PASSWORD, PREFIX);

    private final List<LockerBackend> backends = new ArrayList<>();
    private final String key = "secure-" + UUID.randomUUID();

    @AfterEach
    void closeBackends() {
        backends.forEach(LockerBackend::close);
    }

    private LockerBackend connect(Map<String, String> section) {
        LockerBackend backend = LockerDriver.find("etcd").orElseThrow().connect(BackendConfig.of("etcd", "secure", section));
        backends.add(backend);
        return backend;
    }

    private Locker locker(Map<String, String> section) {
        return connect(section).locker("secure", LockOptions.defaults(), PREFIX);
    }

    private static Map<String, String> tls(TlsFiles trusted, TlsFiles client) {
        return Map.of("endpoints", SECURE.endpoints(), "timeout", "4s", "tls.ca-file", trusted.caCertificate().toString(),
                "tls.cert-file", client.clientCertificate().toString(), "tls.key-file", client.clientKey().toString());
    }

    private static Map<String, String> user(String password) {
        return Map.of("endpoints", WITH_USER.endpoints(), "timeout", "4s", "username", "alice", "password", password);
    }

    /** @return the failure, after checking it came within {@link #NO_HANG} as a LockBackendException naming the server */
    private static Throwable refused(ThrowingCallable attempt, EtcdServer server) {
        long start = System.nanoTime();
        Throwable failure = catchThrowable(attempt);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a refusal, not a hang").isLessThan(NO_HANG);
        assertThat(failure).isInstanceOf(LockBackendException.class)
                .hasMessageStartingWith("etcd at ").hasMessageContaining(":" + server.process().port() + " failed while");
        // in the report: what a user reads
        System.out.println("EtcdSecurityTest: refused with: " + failure.getMessage());
        return failure;
    }

    @Test
    void overTlsWithAClientCertificateTheDriverLocks() {
        Locker locker = locker(tls(TLS, TLS));
        Lock lock = locker.lock(key);
        assertThat(lock.isHeld()).isTrue();
        assertThat(lock.unlock()).isTrue();
    }

    @Test
    void aServerSignedByAnUntrustedCaIsRefusedClearly() {
        Throwable failure = refused(() -> locker(tls(STRANGER, TLS)).lock(key), SECURE);
        assertThat(failure).hasMessageContaining("certificate");
    }

    /** The certificate names 127.0.0.1 only: reached as localhost, the server is not the one it names. */
    @Test
    void aServerCertificateThatDoesNotNameTheHostIsRefused() {
        Map<String, String> section = new HashMap<>(tls(TLS, TLS));
        section.put("endpoints", "https://localhost:" + SECURE.process().port());
        Throwable failure = refused(() -> locker(section).lock(key), SECURE);
        assertThat(failure).hasMessageContaining("certificate").hasMessageContaining("localhost");
    }

    @Test
    void withoutAClientCertificateTheServerRefusesClearly() {
        Map<String, String> section = new HashMap<>(tls(TLS, TLS));
        section.remove("tls.cert-file");
        section.remove("tls.key-file");
        Throwable failure = refused(() -> locker(section).lock(key), SECURE);
        assertThat(failure).hasMessageContaining("certificate");
    }

    /** etcd leases are at least 2 s: held 5 s, the lock lives on keep-alive renewals. */
    @Test
    void aUserWithARoleForTheKeyPrefixOnlyLocksKeepsTheLockAliveAndUnlocks() throws InterruptedException {
        Locker locker = locker(user(PASSWORD));
        Locker other = locker(user(PASSWORD));
        Lock lock = locker.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(2)));

        Thread.sleep(5_000);

        assertThat(lock.isHeld()).as("held after two lease periods and more").isTrue();
        assertThat(other.tryLock(key)).isEmpty();
        assertThat(lock.unlock()).isTrue();
        Lock next = other.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)));
        assertThat(next.fencingToken()).isGreaterThan(lock.fencingToken());
        assertThat(next.unlock()).isTrue();
    }

    /** The server forgets a token unused for 2 s (EtcdServer.withUser): the client must log in again, unasked. */
    @Test
    void aClientWhoseTokenExpiredLogsInAgain() throws InterruptedException {
        try (LogCapture jetcd = LogCapture.start(Level.FINE, "io.etcd")) {
            Lock lock = locker(user(PASSWORD)).lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
                    .withKeepAlive(false));

            Thread.sleep(4_000);

            assertThat(lock.unlock()).isTrue();
            assertThat(jetcd.text()).as("the server did forget the token").contains("invalid auth token");
        }
    }

    @Test
    void theReadinessPingWorksForAUserLimitedToTheKeyPrefix() {
        connect(user(PASSWORD)).ping(Duration.ofSeconds(4));
    }

    @Test
    void withoutCredentialsAServerWithAuthenticationRefusesClearly() {
        Throwable failure = refused(() -> locker(Map.of("endpoints", WITH_USER.endpoints(), "timeout", "4s")).lock(key),
                WITH_USER);
        assertThat(failure).hasMessageContaining("authentication failed").hasMessageContaining("etcd.secure.username");
    }

    @Test
    void aKeyOutsideTheUsersPrefixIsRefusedClearly() {
        Locker elsewhere = connect(user(PASSWORD)).locker("secure", LockOptions.defaults(), "elsewhere:");
        Throwable failure = refused(() -> elsewhere.lock(key), WITH_USER);
        assertThat(failure).hasMessageContaining("permission denied").hasMessageContaining("alice");
    }

    @Test
    void aWrongPasswordFailsClearlyAndQuicklyAndNothingEverShowsAPassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        StringBuilder everything = new StringBuilder();
        StringBuilder frameTrace = new StringBuilder();
        // the driver and jetcd, and the layers under jetcd that carry the password (gRPC, Vert.x, Netty)
        try (LogCapture logs = LogCapture.start(Level.FINEST, "io.github.locker", "io.etcd", "io.grpc", "io.vertx",
                "io.netty")) {
            Locker refusedLocker = locker(user(wrong));
            Throwable failure = refused(() -> refusedLocker.lock(key), WITH_USER);
            assertThat(failure).hasMessageContaining("authentication failed");
            everything.append(LogCapture.chain(failure)).append(refusedLocker).append('\n');

            LockerBackend backend = connect(user(PASSWORD));
            Locker locker = backend.locker("secure", LockOptions.defaults(), PREFIX);
            Lock lock = locker.lock(key);
            everything.append(locker).append('\n').append(backend).append('\n').append(backend.describe()).append('\n')
                    .append(BackendConfig.of("etcd", "secure", user(PASSWORD))).append('\n');
            assertThat(lock.unlock()).isTrue();
            backends.forEach(LockerBackend::close);
            backends.clear();
            assertThat(logs.records()).as("something was logged, or this test proves nothing about logs").isNotEmpty();
            // gRPC's HTTP/2 frame trace (FINE) shows every request's bytes in hex, the Authenticate request's
            // password too, as Lettuce's protocol trace does: README, Operations, says to keep it off
            everything.append(logs.text(record -> !FRAME_TRACE.equals(record.getLoggerName())));
            frameTrace.append(logs.text(record -> FRAME_TRACE.equals(record.getLoggerName())));
        }
        System.out.println("EtcdSecurityTest: searched " + everything.length() + " characters of messages and logs");
        assertThat(frameTrace.toString()).doesNotContain(PASSWORD).doesNotContain(wrong);
        // also in hex, as a frame trace would show it
        assertThat(everything.toString()).doesNotContain(PASSWORD).doesNotContain(wrong)
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(PASSWORD.getBytes(StandardCharsets.UTF_8)))
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(wrong.getBytes(StandardCharsets.UTF_8)));
    }
}
