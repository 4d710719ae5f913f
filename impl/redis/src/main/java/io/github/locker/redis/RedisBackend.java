package io.github.locker.redis;

import io.github.locker.LockBackendException;
import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.core.BackendReplies;
import io.github.locker.core.DriverRuntime;
import io.github.locker.spi.LockerBackend;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.Disposable;

/**
 * One connection to one Redis section, shared by every locker made on it: a command connection,
 * a pub/sub connection on which releases wake waiters, one keep-alive thread and the waiters'
 * registry. Commands are rejected at once while disconnected (never queued), so a Redis that is
 * down surfaces as {@link LockBackendException} instead of a hang.
 */
final class RedisBackend implements LockerBackend {
    private static final Logger LOG = Logger.getLogger(RedisBackend.class.getName());
    /**
     * Releases are announced on this channel, or on Cluster with sharded pub/sub on one channel per
     * key starting with it ({@link ShardedReleases}); the message is the lock key (a semaphore's: its
     * holders set).
     */
    static final String RELEASE_CHANNEL = "locker:released";

    private final RedisSettings settings;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisScriptingAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> releases;
    private final ReleaseWaiters waiters = new ReleaseWaiters();
    /** The per-key subscriptions on a Cluster with sharded pub/sub; null where releases use plain PUBLISH. */
    private final ShardedReleases sharded;
    /** The release scripts' last argument: how they announce ({@link RedisScript#announcing}). */
    private final String announcing;
    private final ScheduledExecutorService keepAlive;
    /** The connection of acquisitions that replicas must acknowledge; null without {@code replicas-ack}. */
    private final ReplicaAcks acks;
    private final DriverRuntime runtime = new DriverRuntime("locker-redis");
    private final String ownerPrefix = newOwnerPrefix();
    private final AtomicLong ownerSequence = new AtomicLong();
    private volatile boolean closing;
    /** The subscription to a Cluster's topology changes, where releases use sharded pub/sub. */
    private volatile Disposable topologyChanges;
    /** One "lost" line per outage and one "reconnected" line after it, however many connections share it. */
    private final AtomicBoolean disconnected = new AtomicBoolean();
    /** The locks held through this connection, released at close so other nodes need not wait for their leases. */
    private final Set<RedisLease> held = ConcurrentHashMap.newKeySet();
    /** How long close waits for those releases before it closes the connection anyway. */
    static final Duration SHUTDOWN_RELEASE_TIME = Duration.ofSeconds(2);

    private RedisBackend(RedisSettings settings, ClientResources resources, AbstractRedisClient client,
            StatefulConnection<String, String> connection, RedisScriptingAsyncCommands<String, String> commands,
            StatefulRedisPubSubConnection<String, String> releases, boolean sharded) {
        this.settings = settings;
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.releases = releases;
        this.sharded = sharded ? new ShardedReleases((StatefulRedisClusterPubSubConnection<String, String>) releases, waiters, runtime.callbacks(),
                ((RedisClusterClient) client)::refreshPartitionsAsync) : null;
        this.announcing = RedisScript.announcing(sharded);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, BackendReplies.daemonThreads("locker-redis-keepalive"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.keepAlive = scheduler;
        new RenewalBatch(this, settings.cluster(), scheduler); // ticks on the scheduler until it shuts down
        this.acks = settings.replicasAck() > 0 ? ReplicaAcks.connect(settings, client) : null;
    }

    static RedisBackend connect(RedisSettings settings) {
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // Come back within a second of Redis coming back, not after Lettuce's default 30 s backoff.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                // Lettuce times every command into a latency histogram whenever LatencyUtils is on the class path
                // (Micrometer brings it): nobody reads ours, and the locker's metrics time what users see
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .build();
        AbstractRedisClient client = null;
        try {
            SocketOptions socket = SocketOptions.builder().connectTimeout(settings.commandTimeout()).build();
            // rediss:// verifies the server's certificate against the JDK's CAs, or this CA when given
            SslOptions ssl = settings.caFile().map(ca -> SslOptions.builder().trustManager(ca.toFile()).build())
                    .orElseGet(() -> SslOptions.builder().build());
            TimeoutOptions timeouts = TimeoutOptions.enabled(settings.commandTimeout());
            RedisBackend backend;
            if (settings.cluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, settings.uris());
                client = cluster;
                cluster.setOptions(ClusterClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .topologyRefreshOptions(topologyRefresh(settings))
                        .socketOptions(socket).sslOptions(ssl).timeoutOptions(timeouts).build());
                StatefulRedisClusterConnection<String, String> commands = cluster.connect(Utf8Codec.INSTANCE);
                backend = new RedisBackend(settings, resources, cluster, commands, commands.async(),
                        cluster.connectPubSub(Utf8Codec.INSTANCE), ShardedReleases.usable(commands, settings));
            } else {
                RedisClient standalone = RedisClient.create(resources);
                client = standalone;
                standalone.setOptions(ClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socket).sslOptions(ssl).timeoutOptions(timeouts).build());
                var commands = standalone.connect(Utf8Codec.INSTANCE, settings.uris().get(0));
                // one node (or one master) receives every release: sharded pub/sub would bring nothing
                backend = new RedisBackend(settings, resources, standalone, commands, commands.async(),
                        standalone.connectPubSub(Utf8Codec.INSTANCE, settings.uris().get(0)), false);
            }
            backend.listenForReleases();
            return backend;
        } catch (RuntimeException unreachable) {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new LockBackendException(null, whyUnusable(settings, unreachable), unreachable);
        }
    }

    /**
     * Lettuce reads a Cluster's slot map only at connection unless told otherwise: a master that
     * failed over would keep every command for its slots failing. Read it again when a node
     * redirects a command ({@code MOVED}, {@code ASK}), names an unknown node, or stays unreachable
     * (at most once a second for those), and every {@code topology-refresh} anyway, which also
     * catches a failover that only a waiter's subscription met.
     */
    private static ClusterTopologyRefreshOptions topologyRefresh(RedisSettings settings) {
        return ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                .enablePeriodicRefresh(settings.topologyRefresh())
                .build();
    }

    /** @return the connection failure told as its cause and its fix: a refused password reads as such, not as "unreachable" */
    private static String whyUnusable(RedisSettings settings, RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")) {
                return settings.address() + " refused the credentials (" + message + "): check "
                        + settings.section() + ".username and " + settings.section() + ".password (or the user and password "
                        + "in " + settings.section() + ".uri)";
            }
            if (cause instanceof javax.net.ssl.SSLException) {
                return settings.address() + " failed the TLS handshake (" + message + "): check that the server speaks "
                        + "TLS and that " + settings.section() + ".tls.ca-file holds the CA that signed its certificate";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String why = root == failure ? String.valueOf(failure.getMessage()) : failure.getMessage() + ": " + root;
        return settings.address() + " is unreachable: " + why + " (check " + settings.section()
                + ".uri, credentials and that Redis is running)";
    }

    private void listenForReleases() {
        releases.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String lockKey) {
                waiters.released(lockKey);
            }

            @Override
            public void smessage(String shardChannel, String lockKey) {
                waiters.released(lockKey);
            }

            @Override
            public void sunsubscribed(String shardChannel, long count) {
                if (sharded != null) {
                    sharded.unsubscribed(shardChannel);
                }
            }
        });
        if (sharded != null) {
            // a slot's master changed (a failover, a resharding seen in the slot map): its channels move there
            topologyChanges = resources.eventBus().get().filter(ClusterTopologyChangedEvent.class::isInstance)
                    .subscribe(changed -> {
                        try {
                            sharded.slotMapChanged(((ClusterTopologyChangedEvent) changed).after());
                        } catch (RuntimeException unexpected) { // thrown here, it would end this subscription for good
                            LOG.log(Level.WARNING, "Could not move the release subscriptions to a new slot map", unexpected);
                        }
                    });
        }
        // with sharded pub/sub too: releases by lockers of earlier versions on the same Cluster still wake ours
        releases.sync().subscribe(RELEASE_CHANNEL);
        // Only connections lost while open, and their reconnections, count: the client also opens and closes
        // connections of its own (a Cluster's slot-map reads, every topology-refresh), which lose nothing.
        Set<RedisChannelHandler<?, ?>> lost = ConcurrentHashMap.newKeySet();
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> channel, SocketAddress address) {
                if (!lost.remove(channel)) {
                    return; // a new connection, not one coming back
                }
                if (lost.isEmpty() && disconnected.getAndSet(false)) {
                    LOG.log(Level.INFO, "Reconnected to {0}", settings.address());
                }
                if (sharded != null) {
                    sharded.resubscribeAll();
                }
                waiters.wakeAll();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> channel) {
                if (!channel.isOpen()) {
                    lost.remove(channel);
                    return; // closed on purpose
                }
                lost.add(channel);
                if (!closing && !disconnected.getAndSet(true)) {
                    LOG.log(Level.WARNING, "Lost the connection to {0}; reconnecting", settings.address());
                }
                waiters.wakeAll();
            }
        });
    }

    @Override
    public Locker locker(String name, LockOptions defaults, String keyPrefix, Consumer<LockLost> onLost) {
        return runtime.locker(name, defaults, new RedisLockEngine(this, keyPrefix), onLost);
    }

    @Override
    public String describe() {
        return settings.address();
    }

    @Override
    public void ping(Duration timeout) {
        // standalone and Cluster command interfaces both extend the base commands that have PING
        BackendReplies.awaitPing(((BaseRedisAsyncCommands<String, String>) commands).ping().toCompletableFuture(), timeout,
                settings.address());
    }

    Set<RedisLease> held() {
        return held;
    }

    ReleaseWaiters waiters() {
        return waiters;
    }

    /**
     * An acquisition starts waiting for releases of {@code waitKey}.
     *
     * @return its subscription to the key's channel, to leave when it stops waiting; null where one
     *     subscription hears every release
     */
    ShardedReleases.Interest listen(String waitKey) {
        return sharded == null ? null : sharded.join(waitKey);
    }

    Duration commandTimeout() {
        return settings.commandTimeout();
    }

    /**
     * @return 96 random bits in base64url and a colon: 17 characters, where a UUID took 37, since an
     *     owner token goes with every acquire and release
     */
    private static String newOwnerPrefix() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random) + ":";
    }

    /** @return a token no other acquisition, on any node, ever uses: {@code <16 random characters>:<n>} */
    String newOwnerToken() {
        return ownerPrefix + ownerSequence.incrementAndGet();
    }

    /** Runs a script by its SHA; when Redis does not know it (restarted, flushed), sends the body once. */
    <T> CompletableFuture<T> run(RedisScript script, String[] keys, String... args) {
        CompletableFuture<T> bySha = commands.<T>evalsha(script.sha(), script.outputType(), keys, args).toCompletableFuture();
        return bySha.exceptionallyCompose(failure -> isNoScript(failure)
                ? commands.<T>eval(script.body(), script.outputType(), keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(BackendReplies.unwrap(failure)));
    }

    /** @return whether Redis refused a script's SHA because it does not know the script (restarted, flushed) */
    static boolean isNoScript(Throwable failure) {
        return BackendReplies.unwrap(failure) instanceof RedisNoScriptException;
    }

    /** @return what sends acquisitions that replicas must acknowledge, or null when none must */
    ReplicaAcks acks() {
        return acks;
    }

    /** @return the reply, failing with {@link LockBackendException} when Redis fails or stays silent for {@code timeout} */
    <T> CompletableFuture<T> explained(CompletableFuture<T> reply, Duration timeout, String key, String doing) {
        // Lettuce times a command out after the command timeout itself: a timer of ours only for a shorter bound
        Duration bound = timeout.compareTo(settings.commandTimeout()) < 0 ? timeout : null;
        return BackendReplies.explained(reply, bound, settings.address(), key, doing);
    }

    DriverRuntime runtime() {
        return runtime;
    }

    /**
     * Keeps trying, twice a second, to release a lock whose release did not reach Redis, until it
     * is released or its lease would have ended anyway.
     */
    void releaseUntil(HoldKeys hold, String owner, long leaseEndNanos) {
        keepAlive.schedule(() -> release(hold, owner)
                .whenComplete((released, failure) -> {
                    if (failure != null && System.nanoTime() - leaseEndNanos < 0 && !closing) {
                        releaseUntil(hold, owner, leaseEndNanos);
                    }
                }), 500, TimeUnit.MILLISECONDS);
    }

    /**
     * The compare-and-delete of our hold (a lock, a share, a permit), which wakes its waiters if it
     * has any; callers that clean up after an acquisition given up on send it without waiting for
     * the answer.
     *
     * @return 1 when the hold was ours, 0 when not
     */
    CompletableFuture<Long> release(HoldKeys hold, String owner) {
        return run(hold.release(), hold.releaseKeys(), hold.releaseArguments(owner, announcing));
    }

    /**
     * Takes a waiter that stops waiting without the hold out of the waiters set (and an exclusive
     * one's writer mark out of the writers set), without waiting for the answer.
     */
    void stopWaiting(HoldKeys hold, String owner) {
        run(RedisScript.STOP_WAITING, hold.stopWaitingKeys(), owner, hold.waitKey(), announcing);
    }

    /**
     * @param lockKey a lock key, {@code <prefix>{<key>}}
     * @return the key of the set of its waiters' owner tokens; its hash tag is the lock key's, so it shares the lock's node
     */
    static String waitersKeyOf(String lockKey) {
        return lockKey + ":waiters";
    }

    @Override
    public void close() {
        // first the leader loops: their bodies end before their locks are released below
        runtime.stopLoops();
        List<CompletableFuture<Long>> pending = held.stream().map(RedisLease::startRelease).filter(Objects::nonNull).toList();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(SHUTDOWN_RELEASE_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException unreleased) {
            LOG.log(Level.WARNING, "Not every lock on {0} was released at shutdown; they end with their leases: {1}",
                    new Object[] {settings.address(), unreleased.toString()});
        }
        closing = true;
        if (topologyChanges != null) {
            topologyChanges.dispose();
        }
        keepAlive.shutdownNow();
        runtime.close();
        releases.close();
        if (acks != null) {
            acks.close();
        }
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
