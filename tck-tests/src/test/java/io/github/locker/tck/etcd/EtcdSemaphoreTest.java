package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.Lock;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.SemaphoreContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdSemaphoreTest extends SemaphoreContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);
    private static final LockOptions ONE_ATTEMPT = LockOptions.defaults().withWaitTime(Duration.ZERO);

    @RegisterExtension
    final Nodes local = new Nodes(backend());

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }

    /** The permits live beside the lock's name, never under it, and each key carries its count. */
    @Test
    void permitKeysCarryTheirCountApartFromTheLock() throws Exception {
        Locker locker = local.newLocker();
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints()).build();
                Lock first = locker.lock(key, permits(2).withWaitTime(Duration.ZERO));
                Lock second = locker.lock(key, permits(2).withWaitTime(Duration.ZERO))) {
            List<KeyValue> keys = etcd.getKVClient().get(bytes(Nodes.PREFIX + "/" + key), GetOption.builder().isPrefix(true).build())
                    .get(2, TimeUnit.SECONDS).getKvs();
            assertThat(keys).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
                    .hasSize(2).allMatch(permitKey -> permitKey.startsWith(Nodes.PREFIX + "/" + key + "%permits/"));
            assertThat(keys).extracting(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).containsOnly("2");
            assertThat(keys).extracting(KeyValue::getCreateRevision)
                    .containsExactlyInAnyOrder(first.fencingToken(), second.fencingToken());
        }
    }

    /**
     * Names whose escaping comes near the semaphore's marker: none of their locks or semaphores
     * shares a key, or waits for another's.
     */
    @Test
    void locksAndSemaphoresOfTrickyNamesStayApart() {
        List<String> names = List.of(key, key + "%permits", key + "%25permits", key + "/", key + "%", key + "/s", key + "%permits/x");
        Locker locker = local.newLocker();
        Locker other = local.newLocker();
        List<Lock> held = new ArrayList<>();
        for (String name : names) {
            held.add(locker.lock(name, ONE_ATTEMPT));
            held.add(locker.lock(name, permits(1).withWaitTime(Duration.ZERO)));
        }
        for (String name : names) {
            assertThat(other.tryLock(name, ONE_ATTEMPT)).as("the lock '%s'", name).isEmpty();
            assertThat(other.tryLock(name, permits(1).withWaitTime(Duration.ZERO))).as("the semaphore '%s'", name).isEmpty();
            assertThat(other.tryLock(name, ONE_ATTEMPT.withMode(LockMode.SHARED))).as("shared '%s'", name).isEmpty();
        }
        held.forEach(lock -> assertThat(lock.unlock()).isTrue());
        for (String name : names) {
            other.tryLock(name, ONE_ATTEMPT).orElseThrow().unlock();
            other.tryLock(name, permits(3).withWaitTime(Duration.ZERO)).orElseThrow().unlock();
        }
    }

    @Test
    void aPermitCanBeExtendedAndHeldAtLeast() throws Exception {
        Duration lease = backend().shortLease();
        Locker holder = local.newLocker();
        Locker other = local.newLocker();
        Lock fixed = holder.lock(key, permits(1).withLeaseTime(lease).withKeepAlive(false));
        assertThat(fixed.extend(lease.multipliedBy(3))).isTrue();
        Thread.sleep(lease.multipliedBy(2).toMillis());
        assertThat(fixed.isHeld()).as("extended past its first lease").isTrue();
        assertThat(other.tryLock(key, permits(1).withWaitTime(Duration.ZERO))).isEmpty();
        assertThatThrownBy(() -> other.tryLock(key, permits(2).withWaitTime(Duration.ZERO)))
                .as("the moved key still carries its count").isInstanceOf(LockConflictException.class);
        assertThat(fixed.unlock()).isTrue();

        Lock heldAtLeast = holder.lock(key, permits(1).withHoldAtLeast(Duration.ofSeconds(2)));
        long releasedAt = System.nanoTime();
        assertThat(heldAtLeast.unlock()).isTrue();
        assertThat(other.tryLock(key, permits(1).withWaitTime(Duration.ZERO))).isEmpty();
        Lock taken = other.lock(key, permits(1).withWaitTime(Duration.ofSeconds(10)));
        assertThat(System.nanoTime() - releasedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_900));
        assertThat(taken.unlock()).isTrue();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
