package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.Lock;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.servers.EtcdServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver and {@code etcdctl lock} (etcd's Go {@code concurrency.Mutex}) exclude each other on
 * the same name: both put {@code <name>/<lease id>} and the lowest create revision holds. With the
 * key prefix "" the driver's lock name is the key itself, as etcdctl's is. A Java reader's key
 * ({@code <name>/s/...}) excludes etcdctl as well, and etcdctl's key excludes a Java reader. Fails, with the install
 * command, when {@code etcdctl} is missing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdctlInteropTest {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    private final List<LockerBackend> backends = new ArrayList<>();
    private final List<Process> etcdctls = new ArrayList<>();
    private Client etcd;
    /** Unique per test; neither '/' nor '%', which the driver would escape and etcdctl would not. */
    private String name;

    @BeforeEach
    void uniqueName(TestInfo test) {
        name = "interop-" + test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID();
        etcd = Client.builder().endpoints(ETCD.members().get(0).clientUrl()).build();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process etcdctl : etcdctls) {
            etcdctl.destroyForcibly();
            etcdctl.waitFor(5, TimeUnit.SECONDS);
        }
        backends.forEach(LockerBackend::close);
        etcd.close();
    }

    private Locker newLocker() {
        LockerBackend backend = LockerDriver.find("etcd").orElseThrow()
                .connect(BackendConfig.of("etcd", "test", Map.of("endpoints", ETCD.endpoints(), "timeout", "2s")));
        backends.add(backend);
        return backend.locker("test", LockOptions.defaults(), "");
    }

    /** Java's exclusive lock, and its shared one: a reader's key lies under the name too, where etcdctl waits for it. */
    static Stream<LockOptions> exclusiveAndShared() {
        return Stream.of(LockOptions.defaults(), LockOptions.defaults().withMode(LockMode.SHARED));
    }

    @ParameterizedTest
    @MethodSource("exclusiveAndShared")
    void etcdctlWaitsWhileJavaHoldsTheLockAndGetsItOnUnlock(LockOptions options) throws Exception {
        Lock javaLock = newLocker().lock(name, options);
        CountDownLatch acquired = new CountDownLatch(1);
        List<String> output = new CopyOnWriteArrayList<>();
        Process etcdctl = etcdctl(output, acquired, "lock", name, "echo", "ACQUIRED");

        // etcdctl has queued behind Java once its own key exists under the name
        List<KeyValue> queue = awaitKeys(2);
        assertThat(queue.get(0).getCreateRevision()).as("Java's key is first").isEqualTo(javaLock.fencingToken());
        assertThat(acquired.await(1500, TimeUnit.MILLISECONDS)).as("etcdctl acquired while Java held the lock; said %s",
                output).isFalse();

        long unlockedAt = System.nanoTime();
        assertThat(javaLock.unlock()).isTrue();

        assertThat(acquired.await(5, TimeUnit.SECONDS)).as("etcdctl acquired after the unlock; said %s", output).isTrue();
        System.out.printf("%s: etcdctl acquired %d ms after Java unlocked%n", getClass().getSimpleName(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unlockedAt));
        assertThat(etcdctl.waitFor(5, TimeUnit.SECONDS)).as("etcdctl exited").isTrue();
        assertThat(etcdctl.exitValue()).as("etcdctl's exit code; said %s", output).isZero();
    }

    @ParameterizedTest
    @MethodSource("exclusiveAndShared")
    void javaWaitsWhileEtcdctlHoldsTheLockAndGetsItWhenEtcdctlExits(LockOptions options) throws Exception {
        Locker locker = newLocker();
        List<String> output = new CopyOnWriteArrayList<>();
        Process etcdctl = etcdctl(output, new CountDownLatch(1), "lock", name, "sleep", "3");
        // alone on the name, etcdctl holds the lock as soon as its key exists
        KeyValue etcdctlKey = awaitKeys(1).get(0);
        long heldAt = System.nanoTime();

        assertThat(locker.tryLock(name, options.withWaitTime(Duration.ZERO))).as("Java's tryLock while etcdctl holds the lock")
                .isEmpty();

        try (Lock javaLock = locker.lock(name, options.withWaitTime(Duration.ofSeconds(10)))) {
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldAt);
            System.out.printf("%s: Java acquired %d ms after etcdctl took the lock (etcdctl holds it for 3 s), "
                    + "token %d after etcdctl's %d%n", getClass().getSimpleName(), waitedMillis,
                    javaLock.fencingToken(), etcdctlKey.getCreateRevision());
            assertThat(etcdctl.waitFor(5, TimeUnit.SECONDS)).as("etcdctl exits once its command ended").isTrue();
            assertThat(etcdctl.exitValue()).as("etcdctl's exit code; said %s", output).isZero();
            assertThat(waitedMillis).as("Java waited for etcdctl's 'sleep 3'").isGreaterThanOrEqualTo(2_500);
            assertThat(javaLock.fencingToken()).isGreaterThan(etcdctlKey.getCreateRevision());
            assertThat(javaLock.isHeld()).isTrue();
        }
    }

    /**
     * Starts {@code etcdctl <args>} against the test's etcd, collecting its output lines and
     * counting {@code acquired} down when it prints ACQUIRED.
     */
    private Process etcdctl(List<String> output, CountDownLatch acquired, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(EtcdServer.etcdctl().toString(),
                "--endpoints=" + ETCD.members().get(0).clientUrl()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process etcdctl = builder.start();
        etcdctls.add(etcdctl);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(etcdctl.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    if (line.trim().equals("ACQUIRED")) {
                        acquired.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process was killed: its output ends here
            }
        }, "etcdctl output");
        reader.setDaemon(true);
        reader.start();
        return etcdctl;
    }

    /** @return the keys under {@code <name>/}, oldest first, once there are {@code count} (within 5 s) */
    private List<KeyValue> awaitKeys(int count) throws Exception {
        ByteSequence prefix = ByteSequence.from(name + "/", StandardCharsets.UTF_8);
        GetOption oldestFirst = GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<KeyValue> keys = etcd.getKVClient().get(prefix, oldestFirst).get(2, TimeUnit.SECONDS).getKvs();
            if (keys.size() >= count) {
                return keys;
            }
            assertThat(System.nanoTime()).as("%d key(s) under %s/ within 5 s, found %s", count, name, keys)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
