package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.KeyValue;
import io.github.locker.Lock;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the etcd driver keeps for shared holds and permits, beyond the contracts: where their keys
 * live, that a semaphore's keys stay apart from every lock's whatever the names, and that a held
 * share or permit can be extended and held at least.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdModeKeysTest {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);
    private static final LockOptions ONE_ATTEMPT = LockOptions.defaults().withWaitTime(Duration.ZERO);
    private static final LockOptions SHARED = ONE_ATTEMPT.withMode(LockMode.SHARED);

    @RegisterExtension
    final Nodes nodes = new Nodes(new EtcdTckBackend(ETCD));
    private String key;

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }

    /** Readers of one locker share its lease, yet each holds a key of its own under the lock's name. */
    @Test
    void readersOfOneLockerHoldTogetherUnderKeysOfTheirOwn() throws Exception {
        Locker locker = nodes.newLocker();
        String name = Nodes.PREFIX + "/" + key + "/";
        Lock first = onAThreadOfItsOwn(() -> locker.lock(key, SHARED));
        Lock second = onAThreadOfItsOwn(() -> locker.lock(key, SHARED));

        List<KeyValue> keys = EtcdKeys.under(ETCD, name);
        assertThat(keys).extracting(EtcdKeys::name).hasSize(2).allMatch(readerKey -> readerKey.startsWith(name + "s/"));
        assertThat(keys).extracting(KeyValue::getLease).as("one lease for the locker").containsOnly(keys.get(0).getLease());
        assertThat(first.fencingToken()).isNotEqualTo(second.fencingToken());
        assertThat(nodes.newLocker().tryLock(key)).isEmpty();
        assertThat(first.unlock()).isTrue();
        assertThat(second.unlock()).isTrue();
        assertThat(EtcdKeys.under(ETCD, name)).as("keys left under the name").isEmpty();
    }

    /** @return what {@code acquire} took on a new thread: a pooled one might hold the share already, and re-enter it */
    private static Lock onAThreadOfItsOwn(Callable<Lock> acquire) throws Exception {
        FutureTask<Lock> acquisition = new FutureTask<>(acquire);
        new Thread(acquisition).start();
        return acquisition.get(10, TimeUnit.SECONDS);
    }

    /** The permits live beside the lock's name, never under it, and each key carries its count. */
    @Test
    void permitKeysCarryTheirCountApartFromTheLock() throws Exception {
        Locker locker = nodes.newLocker();
        try (Lock first = locker.lock(key, ONE_ATTEMPT.withPermits(2)); Lock second = locker.lock(key, ONE_ATTEMPT.withPermits(2))) {
            List<KeyValue> keys = EtcdKeys.under(ETCD, Nodes.PREFIX + "/" + key);
            assertThat(keys).extracting(EtcdKeys::name)
                    .hasSize(2).allMatch(permitKey -> permitKey.startsWith(Nodes.PREFIX + "/" + key + "%permits/"));
            assertThat(keys).extracting(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).containsOnly("2");
            assertThat(keys).extracting(KeyValue::getCreateRevision)
                    .containsExactlyInAnyOrder(first.fencingToken(), second.fencingToken());
        }
    }

    /** Names whose escaping comes near the semaphore's marker: none of their locks or semaphores waits for another's. */
    @Test
    void locksAndSemaphoresOfTrickyNamesStayApart() {
        List<String> names = List.of(key, key + "%permits", key + "%25permits", key + "/", key + "%", key + "/s",
                key + "%permits/x");
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        List<Lock> held = new ArrayList<>();
        for (String name : names) {
            held.add(locker.lock(name, ONE_ATTEMPT));
            held.add(locker.lock(name, ONE_ATTEMPT.withPermits(1)));
        }
        for (String name : names) {
            assertThat(other.tryLock(name, ONE_ATTEMPT)).as("the lock '%s'", name).isEmpty();
            assertThat(other.tryLock(name, SHARED)).as("shared '%s'", name).isEmpty();
            assertThat(other.tryLock(name, ONE_ATTEMPT.withPermits(1))).as("the semaphore '%s'", name).isEmpty();
        }
        held.forEach(lock -> assertThat(lock.unlock()).isTrue());
        for (String name : names) {
            assertThat(other.tryLock(name, ONE_ATTEMPT)).as("the lock '%s'", name).isPresent().get().satisfies(Lock::unlock);
            assertThat(other.tryLock(name, ONE_ATTEMPT.withPermits(3))).as("the semaphore '%s'", name).isPresent()
                    .get().satisfies(Lock::unlock);
        }
    }

    static Stream<LockOptions> sharedAndPermit() {
        return Stream.of(SHARED, ONE_ATTEMPT.withPermits(1));
    }

    /** The key moves onto a lease of its own (with its count), then stays past its unlock; a writer or another permit waits. */
    @ParameterizedTest
    @MethodSource("sharedAndPermit")
    void aShareOrPermitCanBeExtendedAndHeldAtLeast(LockOptions mode) throws Exception {
        Duration lease = Duration.ofSeconds(2);
        LockOptions rival = mode.mode() == LockMode.SHARED ? ONE_ATTEMPT : mode;
        Locker holder = nodes.newLocker();
        Locker other = nodes.newLocker();
        Lock fixed = holder.lock(key, mode.withLeaseTime(lease).withKeepAlive(false));
        long token = fixed.fencingToken();
        assertThat(fixed.extend(lease.multipliedBy(3))).isTrue();
        Thread.sleep(lease.multipliedBy(2).toMillis());
        assertThat(fixed.isHeld()).as("extended past its first lease").isTrue();
        assertThat(fixed.fencingToken()).isEqualTo(token);
        assertThat(other.tryLock(key, rival)).isEmpty();
        if (mode.mode() == LockMode.PERMIT) {
            assertThatThrownBy(() -> other.tryLock(key, ONE_ATTEMPT.withPermits(2)))
                    .as("the moved key still carries its count").isInstanceOf(LockConflictException.class);
        }
        assertThat(fixed.unlock()).isTrue();

        Lock heldAtLeast = holder.lock(key, mode.withHoldAtLeast(Duration.ofSeconds(2)));
        long releasedAt = System.nanoTime();
        assertThat(heldAtLeast.unlock()).isTrue();
        assertThat(other.tryLock(key, rival)).as("held until its hold-at-least time").isEmpty();
        Lock taken = other.lock(key, rival.withWaitTime(Duration.ofSeconds(10)));
        assertThat(System.nanoTime() - releasedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_900));
        assertThat(taken.unlock()).isTrue();
    }
}
