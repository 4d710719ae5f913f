package io.github.locker.redis;

import io.github.locker.LockBackendException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Acquisitions that {@code redis.<id>.replicas-ack} replicas must acknowledge before they count:
 * the acquire script, then {@code WAIT n timeout} on the same connection, sent back to back so the
 * acknowledgement costs no extra round trip.
 *
 * <p>{@code WAIT} cannot run inside a script, and it waits for every write the connection made
 * before it, not for one command's. It also blocks the connection it runs on until the replicas
 * answer or the timeout ends, and Lettuce multiplexes one connection among every caller: on the
 * backend's command connection a {@code WAIT} would hold back every renewal and release queued
 * behind it, for up to its timeout when a replica is down. So acknowledged acquisitions have a
 * connection of their own (on Cluster: a cluster connection of their own, whose connection to the
 * node that owns the lock's slot carries both the script and the {@code WAIT}). What remains shared
 * is that acquisitions queue behind one another's {@code WAIT}: a slow replica slows every
 * acquisition of this backend, never its renewals.
 */
final class ReplicaAcks implements AutoCloseable {
    private final RedisSettings settings;
    private final StatefulConnection<String, String> connection;

    private ReplicaAcks(RedisSettings settings, StatefulConnection<String, String> connection) {
        this.settings = settings;
        this.connection = connection;
    }

    /**
     * @param client the backend's client: a {@link RedisClusterClient} on Cluster, else a {@link RedisClient}
     * @return a connection of its own for acknowledged acquisitions
     */
    static ReplicaAcks connect(RedisSettings settings, AbstractRedisClient client) {
        StatefulConnection<String, String> connection = settings.cluster()
                ? ((RedisClusterClient) client).connect(Utf8Codec.INSTANCE)
                : ((RedisClient) client).connect(Utf8Codec.INSTANCE, settings.uris().get(0));
        return new ReplicaAcks(settings, connection);
    }

    /** @return how long an acquisition waits for its replicas */
    Duration timeout() {
        return settings.replicasAckTimeout();
    }

    /**
     * Runs an acquire script (its reply {@code {1, token}} when it acquired), and when it acquired,
     * waits for the replicas.
     *
     * @param key the lock's key, for the message
     * @return the script's reply; fails with {@link LockBackendException} when it acquired but
     *     fewer replicas than asked for acknowledged it in time (the caller then releases what it took)
     */
    CompletableFuture<List<Long>> acquire(String key, RedisScript script, String[] keys, String... args) {
        return commandsFor(keys[0]).thenCompose(commands -> scriptThenWait(commands, key, script, true, keys, args)
                .exceptionallyCompose(failure -> RedisBackend.isNoScript(failure)
                        ? scriptThenWait(commands, key, script, false, keys, args)
                        : CompletableFuture.failedFuture(failure)));
    }

    /** The async commands of the connection that reaches the node owning {@code lockKey}'s slot. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<RedisScriptingAsyncCommands<String, String>> commandsFor(String lockKey) {
        if (!settings.cluster()) {
            return CompletableFuture.completedFuture((RedisScriptingAsyncCommands<String, String>)
                    ((StatefulRedisConnection<String, String>) connection).async());
        }
        // the node's own connection, not the routed cluster API: WAIT has no key, so routing would send it to any node
        var cluster = (StatefulRedisClusterConnection<String, String>) connection;
        int slot = Utf8Codec.slotOf(lockKey);
        RedisClusterNode node = cluster.getPartitions().getMasterBySlot(slot);
        if (node == null) {
            return CompletableFuture.failedFuture(new LockBackendException(null, settings.address() + " has no primary for slot "
                    + slot + " of '" + lockKey + "' yet", null));
        }
        return cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
                .thenApply(nodeConnection -> nodeConnection.async());
    }

    private CompletableFuture<List<Long>> scriptThenWait(RedisScriptingAsyncCommands<String, String> commands, String key,
            RedisScript script, boolean bySha, String[] keys, String... args) {
        CompletableFuture<List<Long>> reply = (bySha
                ? commands.<List<Long>>evalsha(script.sha(), script.outputType(), keys, args)
                : commands.<List<Long>>eval(script.body(), script.outputType(), keys, args)).toCompletableFuture();
        // Sent now, right behind the script on the same connection, so it covers the script's writes. Behind an
        // EVALSHA that Redis refuses (NOSCRIPT) it covers nothing new, but with fewer replicas than asked for it
        // still blocks the connection for its timeout, before the script is sent again in full.
        CompletableFuture<Long> acknowledged = ((BaseRedisAsyncCommands<String, String>) commands)
                .waitForReplication(settings.replicasAck(), settings.replicasAckTimeout().toMillis()).toCompletableFuture();
        return reply.thenCompose(answer -> answer.get(0) != 1L ? CompletableFuture.completedFuture(answer)
                : acknowledged.thenApply(count -> {
                    if (count < settings.replicasAck()) {
                        throw new LockBackendException(key, settings.address() + " acquired '" + key + "', but only " + count
                                + " of " + settings.replicasAck() + " replicas acknowledged it within "
                                + settings.replicasAckTimeout() + " (" + settings.section() + ".replicas-ack): released it",
                                null);
                    }
                    return answer;
                }));
    }

    @Override
    public void close() {
        connection.close();
    }
}
