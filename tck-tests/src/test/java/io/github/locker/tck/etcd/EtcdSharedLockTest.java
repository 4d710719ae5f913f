package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.SharedLockContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdSharedLockTest extends SharedLockContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @RegisterExtension
    final Nodes local = new Nodes(backend());

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }

    /** Readers of one locker share its lease, yet each holds a key of its own, and the write side is the plain lock. */
    @Test
    void readersOfOneLockerHoldTogetherUnderKeysOfTheirOwn() throws Exception {
        Locker locker = local.newLocker();
        LockOptions shared = SHARED.withWaitTime(Duration.ofSeconds(5));
        String name = Nodes.PREFIX + "/" + key + "/";
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints()).build()) {
            Lock first = local.threads().submit(() -> locker.lock(key, shared)).get(10, TimeUnit.SECONDS);
            Lock second = local.threads().submit(() -> locker.lock(key, shared)).get(10, TimeUnit.SECONDS);
            List<KeyValue> keys = etcd.getKVClient().get(bytes(name), GetOption.builder().isPrefix(true).build())
                    .get(2, TimeUnit.SECONDS).getKvs();

            assertThat(keys).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).hasSize(2)
                    .allMatch(readerKey -> readerKey.startsWith(name + "s/"));
            assertThat(keys).extracting(KeyValue::getLease).as("one lease for the locker").containsOnly(keys.get(0).getLease());
            assertThat(first.fencingToken()).isNotEqualTo(second.fencingToken());
            assertThat(local.newLocker().tryLock(key)).isEmpty();
            assertThat(first.unlock()).isTrue();
            assertThat(second.unlock()).isTrue();
            assertThat(etcd.getKVClient().get(bytes(name), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(2, TimeUnit.SECONDS).getCount()).as("keys left under the name").isZero();
        }
    }

    @Test
    void aSharedLockCanBeExtendedAndHeldAtLeast() throws Exception {
        Duration lease = backend().shortLease();
        Locker reader = local.newLocker();
        Locker writer = local.newLocker();
        Lock fixed = reader.lock(key, SHARED.withLeaseTime(lease).withKeepAlive(false));
        long token = fixed.fencingToken();
        assertThat(fixed.extend(lease.multipliedBy(3))).isTrue();
        Thread.sleep(lease.multipliedBy(2).toMillis());
        assertThat(fixed.isHeld()).as("extended past its first lease").isTrue();
        assertThat(fixed.fencingToken()).isEqualTo(token);
        assertThat(writer.tryLock(key)).isEmpty();
        assertThat(fixed.unlock()).isTrue();

        Lock heldAtLeast = reader.lock(key, SHARED.withHoldAtLeast(Duration.ofSeconds(2)));
        long releasedAt = System.nanoTime();
        assertThat(heldAtLeast.unlock()).isTrue();
        assertThat(writer.tryLock(key)).as("the share stays until its hold-at-least time").isEmpty();
        Lock written = writer.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)));
        assertThat(System.nanoTime() - releasedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_900));
        assertThat(written.unlock()).isTrue();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
