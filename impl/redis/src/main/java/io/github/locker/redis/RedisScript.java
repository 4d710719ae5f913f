package io.github.locker.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The scripts of the lock protocol. Each runs atomically on the node owning the lock key's
 * hash slot; the lock key, the fence key and the waiters set share a hash tag, so Cluster routes
 * them to one node.
 */
enum RedisScript {
    /**
     * KEYS: lock, fence, waiters. ARGV: owner, lease ms, waiting, least ms the waiters set must
     * outlive the holder's lease. Returns {1, fencing token} when acquired, else {0, the holder's
     * remaining ms} so the waiter knows when the lease would end at the latest.
     *
     * <p>{@code waiting} is {@code 1} when the caller waits for a release message if it fails (or
     * waited before): a failed attempt adds its owner token to the lock's waiters set, a successful
     * one removes it. The set is what makes {@link #RELEASE} publish. Adding in the same script as
     * the failed attempt leaves no moment in which a release could find a waiter about to sleep
     * missing; membership by owner token makes adding and removing idempotent, so a set lost (expired,
     * evicted, deleted) is whole again once its waiters have tried once more. Its expiry is pushed
     * past the caller's next attempt, so it never ends while a waiter sleeps, and a crashed
     * waiter's token ends with it. {@code 0}: a single attempt, never in the set.
     */
    ACQUIRE(ScriptOutputType.MULTI, """
            local waiting = ARGV[3] == '1'
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              if waiting then
                redis.call('SREM', KEYS[3], ARGV[1])
              end
              return {1, redis.call('INCR', KEYS[2])}
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if waiting then
              redis.call('SADD', KEYS[3], ARGV[1])
              local keep = math.max(ttl, 0) + tonumber(ARGV[4])
              if redis.call('PTTL', KEYS[3]) < keep then
                redis.call('PEXPIRE', KEYS[3], keep)
              end
            end
            return {0, ttl}
            """),
    /**
     * KEYS: lock, waiters. ARGV: owner, channel. Deletes only our own lock, and wakes its waiters:
     * it publishes only while the waiters set exists (an empty set does not), so a lock nobody waits
     * for sends no message to every node's subscription.
     */
    RELEASE(ScriptOutputType.INTEGER, """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              if redis.call('EXISTS', KEYS[2]) == 1 then
                redis.call('PUBLISH', ARGV[2], KEYS[1])
              end
              return 1
            end
            return 0
            """),
    /** KEYS: waiters. ARGV: owner. A waiter stops waiting without the lock (wait time over, interrupted, failed). */
    STOP_WAITING(ScriptOutputType.INTEGER, """
            return redis.call('SREM', KEYS[1], ARGV[1])
            """),
    /**
     * KEYS: n locks (one hash slot). ARGV: their n owners, then their n lease ms. Extends each lock
     * that is still ours; returns a 1 or 0 per lock. One call renews every lock due in a tick.
     */
    RENEW_MANY(ScriptOutputType.MULTI, """
            local n = #KEYS
            local renewed = {}
            for i = 1, n do
              if redis.call('GET', KEYS[i]) == ARGV[i] then
                renewed[i] = redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
              else
                renewed[i] = 0
              end
            end
            return renewed
            """);

    private final ScriptOutputType outputType;
    private final String body;
    private final String sha;

    RedisScript(ScriptOutputType outputType, String body) {
        this.outputType = outputType;
        this.body = body;
        this.sha = sha1(body);
    }

    ScriptOutputType outputType() {
        return outputType;
    }

    String body() {
        return body;
    }

    String sha() {
        return sha;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-1", impossible);
        }
    }
}
