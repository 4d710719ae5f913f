package io.github.locker.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Release messages on Redis Cluster's sharded pub/sub (Redis 7): a release {@code SPUBLISH}es on a
 * channel of its key's hash slot, which Redis delivers within that slot's shard only, where a plain
 * {@code PUBLISH} crosses the cluster bus to every node. The channel, {@code locker:released:{<key>}},
 * carries the lock key's hash tag: a script may only publish on a channel of its own keys' node.
 *
 * <p>A backend subscribes to a key's channel while some local acquisition waits for that key, from
 * its first failed attempt until it ends; the last one to go unsubscribes. {@code SSUBSCRIBE} goes to
 * the master of the channel's slot in the slot map, on the Cluster pub/sub connection's own connection
 * to that node, which hands its messages to the backend's one listener; the channel's
 * {@code SUNSUBSCRIBE} goes to the same node.
 *
 * <p>The race between subscribing and the release: a waiter's failed attempt joins the key's
 * waiters set, so the next release publishes, but it may publish before the subscription is
 * confirmed. So a waiter whose failed attempt was sent before its channel's {@code SSUBSCRIBE} was
 * confirmed tries once more right after the confirmation ({@link #confirmedAt}); from then on a
 * release reaches it. When Redis drops a subscription itself (its slot moved to another node: the
 * old node pushes {@code sunsubscribe}), a connection comes back (Lettuce resubscribes a node's
 * channels in one {@code SSUBSCRIBE}, which Redis refuses when they span slots) or a new slot map
 * gives the channel's slot another master, the channel is subscribed again, one channel a command,
 * and its waiters try again once that is confirmed. A message missed anyway only delays a waiter
 * until its holder's lease end.
 *
 * <p>Sharded messages reach every node of the slot's shard, replicas too: a subscription left on a
 * master demoted to replica by a failover still hears its releases. It is moved to the new master
 * when a slot map says so: the slot map read right after the failover can be one that does not know
 * of it yet (Lettuce picks one of the nodes' views at random), and the next change Lettuce announces
 * moves it, as does a subscription confirmed on a node the newest announced map no longer has as
 * the slot's master.
 */
final class ShardedReleases {
    private static final Logger LOG = Logger.getLogger(ShardedReleases.class.getName());
    /** The first Redis with {@code SPUBLISH}/{@code SSUBSCRIBE}. */
    static final int FIRST_VERSION = 7;
    /** How long a dropped channel waits for the slot map before it is subscribed again anyway. */
    private static final Duration SLOT_MAP_READ_TIMEOUT = Duration.ofSeconds(5);

    private final StatefulRedisClusterPubSubConnection<String, String> connection;
    private final ReleaseWaiters waiters;
    private final Executor callbacks;
    /**
     * Guards the channels, the slot maps and the command queue, and orders each channel's
     * SSUBSCRIBE and SUNSUBSCRIBE as they were decided.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Channel> channels = new HashMap<>();
    /** Our own SUNSUBSCRIBEs not yet answered, by channel: their replies are not Redis dropping a channel. */
    private final Map<String, Integer> leaving = new HashMap<>();
    private final Supplier<CompletionStage<Void>> slotMapRead;
    /** The slot map being read again after Redis dropped channels, which every channel dropped meanwhile awaits. */
    private CompletableFuture<Void> slotMapReading = CompletableFuture.completedFuture(null);
    /** Completes once the last command queued has been handed to its connection: the next goes after it. */
    private CompletableFuture<Void> handedOver = CompletableFuture.completedFuture(null);
    /** The slot map of the last change Lettuce announced; null before the first. */
    private List<RedisClusterNode> newestSlotMap;

    /**
     * @param connection the Cluster pub/sub connection, whose node connections carry the subscriptions
     * @param waiters the backend's waiters, woken when a subscription was dropped and is back
     * @param callbacks where replies are handled, off Lettuce's event loop
     * @param slotMapRead reads the Cluster's slot map again, so that commands sent after it completes
     *     go to each slot's current node
     */
    ShardedReleases(StatefulRedisClusterPubSubConnection<String, String> connection, ReleaseWaiters waiters,
            Executor callbacks, Supplier<CompletionStage<Void>> slotMapRead) {
        this.connection = connection;
        this.waiters = waiters;
        this.callbacks = callbacks;
        this.slotMapRead = slotMapRead;
    }

    /**
     * @param waitKey a key waiters wait on ({@link HoldKeys#waitKey()}): {@code <prefix>{<key>}...}, whose
     *     first braces are its hash tag (the prefix has none, the key's own are escaped, and it is not blank)
     * @return the channel its releases are announced on, in its hash slot (the release scripts name
     *     it alike, in Lua)
     */
    static String channelOf(String waitKey) {
        int open = waitKey.indexOf('{');
        return RedisBackend.RELEASE_CHANNEL + ":" + waitKey.substring(open, waitKey.indexOf('}', open) + 1);
    }

    /**
     * Whether every node of the Cluster has sharded pub/sub, asked once at connection; says which
     * way releases go, once for the backend.
     *
     * @param connection the backend's command connection
     * @param settings its section
     * @return true when releases may use {@code SPUBLISH}
     */
    static boolean usable(StatefulRedisClusterConnection<String, String> connection, RedisSettings settings) {
        String plain = "Releases on {0} wake waiters with PUBLISH, which the Cluster sends to every node: {1}";
        if (!settings.shardedPubSub()) {
            LOG.log(Level.INFO, plain, new Object[] {settings.address(), settings.section() + ".sharded-pubsub is false"});
            return false;
        }
        Optional<String> without = withoutShardedPubSub(connection);
        if (without.isPresent()) {
            LOG.log(Level.WARNING, plain, new Object[] {settings.address(), without.get()
                    + "; sharded pub/sub (SPUBLISH to the key's shard only) needs Redis " + FIRST_VERSION + " on every node"});
            return false;
        }
        LOG.log(Level.INFO, "Releases on {0} wake waiters with SPUBLISH on the key''s shard only (sharded pub/sub)",
                settings.address());
        return true;
    }

    /** @return why some node cannot take sharded pub/sub, or empty when all can */
    private static Optional<String> withoutShardedPubSub(StatefulRedisClusterConnection<String, String> connection) {
        for (RedisClusterNode node : connection.getPartitions()) {
            String where = node.getUri().getHost() + ":" + node.getUri().getPort();
            String info;
            try {
                // at connection, on the caller's thread, before any lock is taken through it
                info = connection.getConnection(node.getNodeId()).sync().info("server");
            } catch (RuntimeException unanswered) {
                return Optional.of("the Redis version of " + where + " is unknown (" + unanswered.getMessage() + ")");
            }
            Optional<String> version = versionIn(info);
            if (version.isEmpty() || majorOf(version.get()) < FIRST_VERSION) {
                return Optional.of(where + " runs Redis " + version.orElse("of an unknown version"));
            }
        }
        return Optional.empty();
    }

    /**
     * @param info an {@code INFO server} reply
     * @return its {@code redis_version}, e.g. {@code 7.0.15}
     */
    static Optional<String> versionIn(String info) {
        return info.lines().filter(line -> line.startsWith("redis_version:"))
                .map(line -> line.substring("redis_version:".length()).trim()).findFirst();
    }

    /** @return the major version of {@code 7.0.15} and the like, or -1 when it does not start with a number */
    static int majorOf(String version) {
        List<String> parts = List.of(version.split("\\."));
        try {
            return Integer.parseInt(parts.get(0));
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /**
     * An acquisition starts waiting on {@code waitKey}: subscribes to its channel unless another
     * local waiter already did.
     *
     * @return its interest, to {@link Interest#leave() leave} when it stops waiting
     */
    Interest join(String waitKey) {
        String name = channelOf(waitKey);
        lock.lock();
        try {
            Channel channel = channels.computeIfAbsent(name, absent -> new Channel());
            channel.interested++;
            if (channel.subscribed == null) {
                subscribe(name, channel, masterNow(name));
            }
            return new Interest(name, channel);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Redis told us a channel is no longer subscribed: the reply to our own {@code SUNSUBSCRIBE},
     * or a push when the channel's slot left the node (moved, or the node is a replica now after a
     * failover). In the second case, while someone waits on it, reads the slot map again and then
     * subscribes again on the slot's master in it, and wakes its waiters once done.
     */
    void unsubscribed(String name) {
        lock.lock();
        try {
            Integer ours = leaving.get(name);
            if (ours != null) {
                if (ours == 1) {
                    leaving.remove(name);
                } else {
                    leaving.put(name, ours - 1);
                }
                return;
            }
            Channel channel = channels.get(name);
            if (channel != null) {
                LOG.log(Level.FINE, "Redis dropped the subscription to {0} (its slot moved); subscribing again", name);
                // the slot map Lettuce routes by may not know yet where the slot went: read it first, once
                // for all the channels a failover drops together
                if (slotMapReading.isDone()) {
                    // bounded: a read that never ends would keep its channels from ever being subscribed again
                    slotMapReading = slotMapRead.get().toCompletableFuture().copy() // a copy: Lettuce's own future stays its own
                            .orTimeout(SLOT_MAP_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                channel.awaitingSlotMap = true;
                slotMapReading.whenCompleteAsync((read, unread) -> resubscribeIfWaitedOn(name, channel), callbacks);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A connection came back: Lettuce's own resubscription of a node's channels fails when they span
     * slots, so every channel someone waits on is subscribed again, one a command, on its slot's
     * master (subscribing twice on one node is harmless; one that moved is unsubscribed where it
     * was), and their waiters woken once that is done. Channels still being subscribed are
     * left, and so are those dropped by Redis that wait for the slot map: they are subscribed again
     * once it has been read.
     */
    void resubscribeAll() {
        lock.lock();
        try {
            channels.forEach((name, channel) -> {
                if (settled(channel)) {
                    resubscribe(name, channel, masterNow(name), true);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * The Cluster's slot map changed: every channel whose slot has another master in it moves there
     * (unsubscribed from the node it was on, subscribed on the new master), and its waiters try again
     * once that is confirmed. The map is taken from the change itself: Lettuce announces it before
     * its connections route by it.
     *
     * @param slotMap the nodes of the new slot map
     */
    void slotMapChanged(List<RedisClusterNode> slotMap) {
        lock.lock();
        try {
            newestSlotMap = slotMap;
            channels.forEach((name, channel) -> {
                if (settled(channel)) {
                    followNewestSlotMap(name, channel);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: moves the channel to its slot's master in the newest announced slot map if
     * that is another node. Channels still being subscribed are looked at again once confirmed.
     */
    private void followNewestSlotMap(String name, Channel channel) {
        Node master = masterInNewestSlotMap(name);
        if (master != null && !master.equals(channel.node)) {
            LOG.log(Level.FINE, "The slot of {0} moved from {1} to {2}; subscribing there", new Object[] {name, channel.node, master});
            resubscribe(name, channel, master, true);
        }
    }

    /** Under the lock: neither being subscribed nor waiting for the slot map to be read. */
    private static boolean settled(Channel channel) {
        return channel.subscribed.isDone() && !channel.awaitingSlotMap;
    }

    private void resubscribeIfWaitedOn(String name, Channel channel) {
        lock.lock();
        try {
            channel.awaitingSlotMap = false;
            if (channels.get(name) == channel) {
                resubscribe(name, channel, masterNow(name), false); // Redis itself dropped it where it was
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: subscribes the channel on the master, and wakes its waiters once that is
     * confirmed (or failed).
     *
     * @param stillWhereItWas whether the node the channel was on may still hold its subscription,
     *     which is then ended there when that is another node
     */
    private void resubscribe(String name, Channel channel, Node master, boolean stillWhereItWas) {
        if (stillWhereItWas && channel.node != null && !channel.node.equals(master)) {
            unsubscribe(name, channel.node);
        }
        subscribe(name, channel, master)
                .whenComplete((at, failure) -> waiters.wakeWhere(waitKey -> channelOf(waitKey).equals(name)));
    }

    /**
     * Under the lock: sends {@code SSUBSCRIBE} to the node, whose confirmation becomes the channel's.
     *
     * @param master the master of the channel's slot, or null to let Lettuce route it
     */
    private CompletableFuture<Long> subscribe(String name, Channel channel, Node master) {
        CompletableFuture<Long> subscribed = new CompletableFuture<>();
        channel.subscribed = subscribed;
        channel.node = master;
        send(master, commands -> commands.ssubscribe(name)).whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                // timed after the reply arrived, so an attempt sent later surely reaches Redis after the subscription
                subscribed.complete(System.nanoTime());
                lock.lock();
                try {
                    if (channels.get(name) == channel && channel.subscribed == subscribed && !channel.awaitingSlotMap) {
                        followNewestSlotMap(name, channel); // a change announced while this was on its way
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                LOG.log(Level.FINE, "Could not subscribe to " + name + "; its waiters wait for their holders' lease ends", failure);
                subscribed.completeExceptionally(failure);
            }
        }, callbacks);
        return subscribed;
    }

    /** Under the lock: sends our own {@code SUNSUBSCRIBE}, whose reply {@link #unsubscribed} expects. */
    private void unsubscribe(String name, Node node) {
        leaving.merge(name, 1, Integer::sum);
        send(node, commands -> commands.sunsubscribe(name)).whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                unsubscribed(name); // no reply will come: forget that one is due
            }
        }, callbacks);
    }

    /**
     * Under the lock: queues a subscription command for one channel to a node. Commands are handed
     * to their connections one after another in the order decided under the lock (a channel's
     * SUNSUBSCRIBE before the SSUBSCRIBE that follows it, even while a node's connection is still
     * being opened), from the callback executor: this is called from Lettuce's event loop too (its
     * listener), where a write could wait for the endpoint's lock.
     *
     * @param node the node, or null to let the Cluster pub/sub connection route it by the channel's slot
     * @return its reply; fails when the node is not in Lettuce's slot map, cannot be reached or refused it
     */
    private CompletableFuture<Void> send(Node node, Function<RedisPubSubAsyncCommands<String, String>, RedisFuture<Void>> command) {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        // each stage completes normally: one that did not would hold up every later command
        handedOver = handedOver.thenComposeAsync(previousHandedOver -> commandsOn(node).handleAsync((commands, unreachable) -> {
            if (unreachable != null) {
                reply.completeExceptionally(unreachable);
                return null;
            }
            try {
                command.apply(commands).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        reply.complete(null);
                    } else {
                        reply.completeExceptionally(failure);
                    }
                });
            } catch (RuntimeException refused) {
                reply.completeExceptionally(refused);
            }
            return null;
        }, callbacks), callbacks);
        return reply;
    }

    /** @return the commands of the node's connection, or of the Cluster connection that routes by slot */
    private CompletableFuture<RedisPubSubAsyncCommands<String, String>> commandsOn(Node node) {
        if (node == null) {
            return CompletableFuture.completedFuture(connection.async());
        }
        try {
            return connection.getConnectionAsync(node.host(), node.port()).thenApply(StatefulRedisPubSubConnection::async);
        } catch (RuntimeException unknown) { // thrown, not failed, for a node Lettuce's slot map does not list yet
            return CompletableFuture.failedFuture(unknown);
        }
    }

    /** Under the lock: the channel's master in the slot map Lettuce routes by now. */
    private Node masterNow(String name) {
        return masterIn(connection.getPartitions(), name);
    }

    /**
     * Under the lock: the channel's master in the newest announced slot map, at the address Lettuce
     * knows it by now. Lettuce announces no change when only a node's address changed (a node back at
     * another address, its id kept): the announced map can name an address that no longer is.
     */
    private Node masterInNewestSlotMap(String name) {
        RedisClusterNode master = newestSlotMap == null ? null : masterNodeIn(newestSlotMap, name);
        if (master == null) {
            return null;
        }
        RedisClusterNode known = connection.getPartitions().getPartitionByNodeId(master.getNodeId());
        return new Node((known == null ? master : known).getUri());
    }

    /** @return the master of the channel's slot in the slot map, or null when it names none */
    static Node masterIn(Iterable<RedisClusterNode> slotMap, String name) {
        RedisClusterNode master = masterNodeIn(slotMap, name);
        return master == null ? null : new Node(master.getUri());
    }

    private static RedisClusterNode masterNodeIn(Iterable<RedisClusterNode> slotMap, String name) {
        int slot = Utf8Codec.slotOf(name);
        for (RedisClusterNode node : slotMap) {
            if (node.is(NodeFlag.UPSTREAM) && node.hasSlot(slot)) {
                return node;
            }
        }
        return null;
    }

    /** A Cluster node by its address, as the slot map names it. */
    record Node(String host, int port) {
        Node(RedisURI uri) {
            this(uri.getHost(), uri.getPort());
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** The local interest in one channel. Guarded by the lock. */
    private static final class Channel {
        int interested;
        /** Completes with the {@code nanoTime} after Redis confirmed the current subscription, or fails. */
        CompletableFuture<Long> subscribed;
        /** Redis dropped it, and it is subscribed again once the slot map has been read. */
        boolean awaitingSlotMap;
        /** Where the current subscription went; null when Lettuce routed it. */
        Node node;
    }

    /** One acquisition's interest in its key's channel. */
    final class Interest {
        private final String name;
        private final Channel channel;
        private final AtomicBoolean left = new AtomicBoolean();

        private Interest(String name, Channel channel) {
            this.name = name;
            this.channel = channel;
        }

        /**
         * @return completes with the {@code nanoTime} after which an attempt sent is sure to be followed
         *     by its release's message; a subscription that failed is tried again, and this fails if it
         *     fails again
         */
        CompletableFuture<Long> confirmedAt() {
            lock.lock();
            try {
                if (channel.subscribed.isCompletedExceptionally() && !left.get()) {
                    subscribe(name, channel, masterNow(name)); // a failed SSUBSCRIBE left nothing where it went
                }
                return channel.subscribed;
            } finally {
                lock.unlock();
            }
        }

        /** The acquisition stopped waiting (once is enough; more are ignored): the last one unsubscribes. */
        void leave() {
            if (!left.compareAndSet(false, true)) {
                return;
            }
            lock.lock();
            try {
                if (--channel.interested > 0) {
                    return;
                }
                channels.remove(name, channel);
                unsubscribe(name, channel.node);
            } finally {
                lock.unlock();
            }
        }
    }
}
