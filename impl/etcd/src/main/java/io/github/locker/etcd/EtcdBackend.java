package io.github.locker.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.LockBackendException;
import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.core.BackendReplies;
import io.github.locker.core.DriverRuntime;
import io.github.locker.spi.LockerBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * One jetcd client for one etcd section, shared by every locker made on it. jetcd connects on
 * first use and balances requests over all endpoints, so a cluster member going down is absorbed
 * by the client.
 */
final class EtcdBackend implements LockerBackend {
    private static final Logger LOG = Logger.getLogger(EtcdBackend.class.getName());
    /** How long shutdown waits for the held locks' release before it closes the connection anyway. */
    static final Duration SHUTDOWN_RELEASE_TIME = Duration.ofSeconds(2);
    private final EtcdSettings settings;
    private final Client client;
    private final DriverRuntime runtime = new DriverRuntime("locker-etcd");
    private final ReplyDeadlines deadlines = new ReplyDeadlines(runtime);
    /** One engine per key prefix: lockers with the same prefix share its sessions and local turns, as they share its keys. */
    private final Map<String, EtcdLockEngine> enginesByPrefix = new ConcurrentHashMap<>();

    EtcdBackend(EtcdSettings settings) {
        this.settings = settings;
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(settings.timeout())
                // fail a request on a dead endpoint instead of queueing it: our own timeouts bound every wait
                .waitForReady(false)
                .retryMaxDuration(settings.timeout())
                // requests start on the calling thread, not on a hand-over to a pool thread: see InlineExecutor
                .executorService(new InlineExecutor());
        settings.username().ifPresent(user -> builder.user(bytes(user)));
        settings.password().ifPresent(password -> builder.password(bytes(password)));
        if (settings.tls()) {
            try {
                builder.sslContext(ssl -> {
                    settings.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    settings.certFile().ifPresent(cert -> ssl.keyManager(cert.toFile(), settings.keyFile().orElseThrow().toFile()));
                });
            } catch (SSLException unusable) {
                throw new IllegalArgumentException("the TLS files of " + settings.address() + " cannot be used: "
                        + unusable.getMessage(), unusable);
            }
        }
        this.client = builder.build();
    }

    @Override
    public Locker locker(String name, LockOptions defaults, String keyPrefix, Consumer<LockLost> onLost) {
        EtcdLockEngine engine = enginesByPrefix.computeIfAbsent(keyPrefix, prefix -> new EtcdLockEngine(this, prefix));
        return runtime.locker(name, defaults, engine, onLost);
    }

    @Override
    public String describe() {
        return settings.address();
    }

    @Override
    public void ping(Duration timeout) {
        try {
            // a linearizable read: it answers only where a quorum does
            BackendReplies.awaitPing(explained(client.getKVClient().get(bytes("locker-ping"),
                    GetOption.builder().withCountOnly(true).build())), timeout, settings.address());
        } catch (LockBackendException refused) {
            // A user whose role covers only the lockers' prefix may not read this key. etcd checks the
            // permission after the read's quorum round (its read index), so the refusal says it serves.
            if (!EtcdRefusals.permissionDenied(refused)) {
                throw refused;
            }
        }
    }

    Client client() {
        return client;
    }

    Duration timeout() {
        return settings.timeout();
    }

    /** @return the reply, failing with {@link LockBackendException} told in words when etcd fails or stays silent past the timeout */
    <T> CompletableFuture<T> explained(CompletableFuture<T> reply, String key, String doing) {
        return explained(reply, settings.timeout(), key, doing);
    }

    <T> CompletableFuture<T> explained(CompletableFuture<T> reply, Duration timeout, String key, String doing) {
        CompletableFuture<T> answer = BackendReplies.explained(explained(reply), null, settings.address(), key, doing);
        deadlines.bound(answer, timeout, () -> ReplyDeadlines.silent(settings.address(), timeout, key, doing));
        return answer;
    }

    DriverRuntime runtime() {
        return runtime;
    }

    /** @return the reply, its refusal (password, permission, certificate) told in words with the property to check */
    private <T> CompletableFuture<T> explained(CompletableFuture<T> reply) {
        return reply.exceptionally(failure -> {
            throw new CompletionException(EtcdRefusals.explain(BackendReplies.unwrap(failure), settings));
        });
    }

    /** Deletes {@code key} only if it is still the key created at {@code createRevision}: never another owner's. */
    CompletableFuture<TxnResponse> deleteIfCreatedAt(ByteSequence key, long createRevision) {
        return client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit();
    }

    /**
     * Moves {@code key} onto lease {@code leaseId}, keeping its {@code value}, only if it is still the
     * key created at {@code createRevision} (a put cannot leave the value alone on etcd 3.4 through jetcd).
     */
    CompletableFuture<TxnResponse> moveIfCreatedAt(ByteSequence key, ByteSequence value, long createRevision, long leaseId) {
        return client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()))
                .commit();
    }

    /**
     * Keeps trying, once a second, to delete a lock key whose release did not reach etcd: kept alive
     * by a locker's shared lease, it would otherwise block everyone else for as long as the locker
     * lives. Stops once deleted, once {@code worthIt} says the lease is gone anyway, or at close.
     */
    void deleteInBackground(ByteSequence key, long createRevision, BooleanSupplier worthIt) {
        if (runtime.isClosed()) {
            return;
        }
        runtime.schedule(Duration.ofSeconds(1), () -> deleteIfCreatedAt(key, createRevision).whenComplete((deleted, failure) -> {
            if (failure != null && worthIt.getAsBoolean() && !runtime.isClosed()) {
                deleteInBackground(key, createRevision, worthIt);
            }
        }));
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Revokes every lease of every locker (their locks are released at once, waiters elsewhere woken), then disconnects. */
    @Override
    public void close() {
        // first the leader loops: their bodies end before their locks are released below
        runtime.stopLoops();
        List<CompletableFuture<?>> revocations = new ArrayList<>();
        enginesByPrefix.values().forEach(engine -> revocations.addAll(engine.close()));
        try {
            // release what is held before the connection goes: other nodes get the locks now, not at lease end
            CompletableFuture.allOf(revocations.toArray(CompletableFuture[]::new)).get(SHUTDOWN_RELEASE_TIME.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException unreleased) {
            LOG.log(Level.WARNING, "Not every lease on {0} was revoked at shutdown; its locks end with their leases: {1}",
                    new Object[] {describe(), unreleased.toString()});
        }
        runtime.close();
        client.close();
    }
}
