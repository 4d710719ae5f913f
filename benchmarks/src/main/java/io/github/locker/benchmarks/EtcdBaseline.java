package io.github.locker.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the raw-jetcd baselines share: one client, and one kept-alive lease per calling thread.
 * Per thread, because etcd's lock protocol names a waiter by its lease: two threads on one lease
 * would be one waiter, and both would "hold" the lock. Leases are granted on a thread's first lock,
 * which the benchmarks' warm-up absorbs.
 */
abstract class EtcdBaseline implements LockClient {
    private static final StreamObserver<LeaseKeepAliveResponse> IGNORE = new StreamObserver<>() {
        @Override
        public void onNext(LeaseKeepAliveResponse renewed) {
            // the lease lives as long as the benchmark: nothing to track
        }

        @Override
        public void onError(Throwable failure) {
            // a broken stream shows as failed lock calls, which fail the benchmark
        }

        @Override
        public void onCompleted() {
            // closed by close()
        }
    };

    private final Client client;
    private final long ttlSeconds;
    private final ThreadLocal<Long> leaseOfThread = new ThreadLocal<>();
    private final List<Long> leases = new CopyOnWriteArrayList<>();
    private final List<CloseableClient> keepAlives = new CopyOnWriteArrayList<>();

    EtcdBaseline(Duration lease) {
        this.client = Client.builder().endpoints(Loopback.etcdEndpoints()).build();
        this.ttlSeconds = Math.max(2, lease.toSeconds());
    }

    Client client() {
        return client;
    }

    /** @return the calling thread's lease, granted and kept alive on first use */
    long lease() throws Exception {
        Long lease = leaseOfThread.get();
        if (lease == null) {
            lease = await(client.getLeaseClient().grant(ttlSeconds)).getID();
            keepAlives.add(client.getLeaseClient().keepAlive(lease, IGNORE));
            leases.add(lease);
            leaseOfThread.set(lease);
        }
        return lease;
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static <T> T await(CompletableFuture<T> reply) throws Exception {
        return reply.get(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the keep-alives and revokes the leases (which deletes any key still on them), then disconnects. */
    @Override
    public void close() {
        keepAlives.forEach(CloseableClient::close);
        CompletableFuture.allOf(leases.stream().map(lease -> client.getLeaseClient().revoke(lease))
                .toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS).exceptionally(failure -> null).join();
        client.close();
    }
}
