package io.github.locker.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The three scripts of the lock protocol. Each runs atomically on the node owning the lock key's
 * hash slot; the lock key and the fence key share a hash tag, so Cluster routes both to one node.
 */
enum RedisScript {
    /**
     * KEYS: lock, fence. ARGV: owner, lease ms. Returns {1, fencing token} when acquired, else
     * {0, the holder's remaining ms} so the waiter knows when the lease would end at the latest.
     */
    ACQUIRE(ScriptOutputType.MULTI, """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return {1, redis.call('INCR', KEYS[2])}
            end
            return {0, redis.call('PTTL', KEYS[1])}
            """),
    /** KEYS: lock. ARGV: owner, channel. Deletes only our own lock, and wakes its waiters. */
    RELEASE(ScriptOutputType.INTEGER, """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[2], KEYS[1])
              return 1
            end
            return 0
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
