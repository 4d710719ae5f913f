package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.EtcdServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keep-alive traffic of the etcd driver does not grow with the number of locks: every lock a
 * locker holds with keep-alive on is attached to the locker's one lease, and one lease is renewed
 * by one keep-alive message, however many keys hang on it. Measured where it counts, on the
 * server: etcd's own counter of the keep-alive messages it received.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdRenewalTrafficTest {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @RegisterExtension
    final Nodes nodes = new Nodes("etcd", () -> Map.of("endpoints", ETCD.endpoints(), "timeout", "2s"));

    private static final String PREFIX = Nodes.PREFIX;
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final int LOCKS = 1_000;
    /** The counter's line(s); etcd labels them by method, service and stream type. */
    private static final Pattern KEEP_ALIVES_RECEIVED = Pattern.compile(
            "^grpc_server_msg_received_total\\{[^}]*grpc_method=\"LeaseKeepAlive\"[^}]*\\}\\s+(\\S+)$", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** 16 at a time: a thousand acquisitions at once would measure thread start-up, not etcd. */
    private final ExecutorService threads = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private Locker newLocker() {
        return nodes.newLocker();
    }

    @Test
    void keepAliveMessagesDoNotGrowWithTheNumberOfLocksHeld() throws Exception {
        Locker locker = newLocker();
        LockOptions kept = LockOptions.defaults().withLeaseTime(LEASE); // keep-alive is on by default
        String run = "renewal:" + UUID.randomUUID() + ":";
        Duration window = LEASE.multipliedBy(3);

        List<Lock> held = new ArrayList<>();
        held.add(locker.lock(run + 0, kept));
        long withOneLock = keepAlivesReceivedDuring(window);

        // The other 999 from 16 threads: a lock is one etcd transaction, sequentially ~8 s. Any
        // thread may hold (and later unlock) a lock of another: the keys are all different.
        List<Future<Lock>> acquiring = new ArrayList<>();
        for (int i = 1; i < LOCKS; i++) {
            String key = run + i;
            acquiring.add(threads.submit(() -> locker.lock(key, kept)));
        }
        for (Future<Lock> lock : acquiring) {
            held.add(lock.get(30, TimeUnit.SECONDS));
        }
        long withAllLocks = keepAlivesReceivedDuring(window);

        System.out.printf("%s: keep-alive messages etcd received in %d s (%d periods of a %d s lease): "
                + "%d with 1 lock held, %d with %d locks held%n", getClass().getSimpleName(), window.toSeconds(),
                window.dividedBy(LEASE), LEASE.toSeconds(), withOneLock, withAllLocks, LOCKS);
        assertThat(withOneLock).as("the one lock's lease was renewed at all").isPositive();
        assertThat(withAllLocks).as("keep-alives with %d locks against %d with one", LOCKS, withOneLock)
                .isLessThanOrEqualTo(2 * withOneLock + 3);

        assertThat(held).hasSize(LOCKS).allSatisfy(lock -> assertThat(lock.isHeld()).as(lock.key()).isTrue());
        // why the traffic is flat: in etcd, every one of the keys hangs on the same lease
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints()).build()) {
            List<KeyValue> keys = etcd.getKVClient().get(ByteSequence.from(PREFIX + "/" + run, StandardCharsets.UTF_8),
                    GetOption.builder().isPrefix(true).withKeysOnly(true).build()).get(5, TimeUnit.SECONDS).getKvs();
            assertThat(keys).as("keys of the held locks").hasSize(LOCKS);
            assertThat(keys.stream().map(KeyValue::getLease).distinct()).as("their leases").hasSize(1);
        }
        // The locks outlived three lease periods only if etcd kept renewing the lease: ask etcd, through
        // another node, about a sample of them (keep-alive off: its tryLocks renew nothing of their own).
        Locker other = newLocker();
        LockOptions oneAttempt = LockOptions.defaults().withLeaseTime(LEASE).withKeepAlive(false).withWaitTime(Duration.ZERO);
        for (int i = 0; i < LOCKS; i += 50) {
            assertThat(other.tryLock(run + i, oneAttempt)).as("'%s' still held in etcd", run + i).isEmpty();
        }

        List<Future<Boolean>> unlocking = new ArrayList<>();
        for (Lock lock : held) {
            unlocking.add(threads.submit(lock::unlock));
        }
        for (Future<Boolean> unlocked : unlocking) {
            assertThat(unlocked.get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(other.tryLock(run + 0, oneAttempt)).as("free once unlocked").hasValueSatisfying(Lock::unlock);
    }

    /** @return how many keep-alive messages etcd received during the next {@code window} */
    private static long keepAlivesReceivedDuring(Duration window) throws IOException, InterruptedException {
        long before = keepAlivesReceived();
        Thread.sleep(window.toMillis()); // the measurement is the passing of time: nothing to wait for
        return keepAlivesReceived() - before;
    }

    /** @return the total of etcd's {@code grpc_server_msg_received_total} lines of method LeaseKeepAlive */
    private static long keepAlivesReceived() throws IOException, InterruptedException {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(ETCD.members().get(0).clientUrl()
                + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).as("GET /metrics").isEqualTo(200);
        Matcher line = KEEP_ALIVES_RECEIVED.matcher(metrics.body());
        double total = 0;
        int lines = 0;
        while (line.find()) {
            total += Double.parseDouble(line.group(1)); // Prometheus text: may be written as 1.2e+03
            lines++;
        }
        assertThat(lines).as("LeaseKeepAlive lines in etcd's metrics").isPositive();
        return Math.round(total);
    }
}
