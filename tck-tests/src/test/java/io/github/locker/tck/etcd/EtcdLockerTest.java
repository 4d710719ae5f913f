package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.LockerContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdLockerTest extends LockerContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }

    /**
     * A release that does not reach etcd (a member dying under it) leaves the holder's key in
     * place, kept alive by the locker's shared lease. The next acquisition of the same locker finds
     * that key under its own name; taking it over would reuse its create revision, the token of the
     * critical section before, as EtcdClusterLockerTest once saw. Here the leftover key is put back
     * by hand, with the locker's own lease, so the case happens every run.
     */
    @Test
    void aKeyOfOursLeftInEtcdIsNotTakenOverButQueuedAnew() throws Exception {
        Locker locker = newLocker();
        ByteSequence lockName = ByteSequence.from("locker:tck:/" + key + "/", StandardCharsets.UTF_8);
        GetOption underTheName = GetOption.builder().isPrefix(true).build();
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints()).build()) {
            Lock first = locker.lock(key);
            KeyValue ours = etcd.getKVClient().get(lockName, underTheName).get(2, TimeUnit.SECONDS).getKvs().get(0);
            assertThat(first.unlock()).isTrue();
            long leftover = etcd.getKVClient().put(ours.getKey(), ByteSequence.EMPTY,
                    PutOption.builder().withLeaseId(ours.getLease()).build()).get(2, TimeUnit.SECONDS)
                    .getHeader().getRevision();

            Lock second = locker.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)));

            assertThat(second.fencingToken()).as("a new create revision, not the leftover key's").isGreaterThan(leftover);
            List<KeyValue> now = etcd.getKVClient().get(lockName, underTheName).get(2, TimeUnit.SECONDS).getKvs();
            assertThat(now).as("keys under the lock's name").hasSize(1);
            assertThat(now.get(0).getCreateRevision()).isEqualTo(second.fencingToken());
            assertThat(newLocker().tryLock(key)).isEmpty();
            assertThat(second.unlock()).isTrue();
        }
    }

    /**
     * Jepsen found etcd answering "locked" to a waiter whose lease had expired (etcd issue 11456):
     * a waiter confirms its own key before it reports held, in the same read as its last look at
     * the keys ahead of it. Here the waiter's key is deleted by hand while it waits, as its lease's
     * end would. When the holder lets go, the waiter must not report held on the vanished key (the
     * lock would be free for anyone) but queue anew and hold on a key that exists.
     */
    @Test
    void aWaiterWhoseKeyVanishedWhileItWaitedDoesNotHoldOnIt() throws Exception {
        Locker holder = newLocker();
        Locker waiter = newLocker();
        ByteSequence lockName = ByteSequence.from("locker:tck:/" + key + "/", StandardCharsets.UTF_8);
        GetOption oldestFirst = GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND).build();
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints()).build()) {
            Lock held = holder.lock(key);
            CompletableFuture<Lock> waiting = waiter.lockAsync(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)))
                    .toCompletableFuture();
            KeyValue waiterKey = Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                    () -> etcd.getKVClient().get(lockName, oldestFirst).get(2, TimeUnit.SECONDS).getKvs(), keys -> keys.size() == 2)
                    .get(1);
            etcd.getKVClient().delete(waiterKey.getKey()).get(2, TimeUnit.SECONDS);

            assertThat(held.unlock()).isTrue();
            Lock taken = waiting.get(10, TimeUnit.SECONDS);

            List<KeyValue> now = etcd.getKVClient().get(lockName, oldestFirst).get(2, TimeUnit.SECONDS).getKvs();
            assertThat(now).as("keys under the lock's name").hasSize(1);
            assertThat(taken.fencingToken()).as("the token of a key that exists, not of the vanished one")
                    .isEqualTo(now.get(0).getCreateRevision()).isGreaterThan(waiterKey.getCreateRevision());
            assertThat(newLocker().tryLock(key)).isEmpty();
            assertThat(taken.unlock()).isTrue();
        }
    }
}
