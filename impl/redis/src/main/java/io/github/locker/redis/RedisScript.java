package io.github.locker.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The scripts of the lock protocol. Each runs atomically on the node owning the lock key's
 * hash slot; the lock key, the fence key and the waiters set share a hash tag, so Cluster routes
 * them to one node.
 */
enum RedisScript {
    /**
     * KEYS: lock, fence, waiters, writers. ARGV: owner, lease ms, waiting. Returns {1, fencing
     * token} when acquired, else {0, the holder's remaining ms} so the waiter knows when the lease
     * would end at the latest. The exclusive side of a read-write lock too: shared holders keep the
     * lock key set to {@link HoldKeys#SHARED_HOLDER}, so {@code SET NX} fails beside them, and their
     * last lease end is the key's TTL.
     *
     * <p>{@code waiting} is {@code 1} when the caller waits for a release message if it fails,
     * {@code 2} when an attempt of it failed before: a failed attempt adds its owner token to the
     * lock's waiters set, a successful one after a failed one ({@code 2}) removes it (an owner token
     * is one acquisition's, so on a {@code 1} it was never in). The set is what makes {@link #RELEASE}
     * publish. Adding in the same script as the failed attempt leaves no moment in which a release
     * could find a waiter about to sleep missing; membership by owner token makes adding and
     * removing idempotent, so a set lost (expired, evicted, deleted) is whole again once its waiters
     * have tried once more. Its expiry is pushed past the caller's next attempt, so it never ends
     * while a waiter sleeps, and a crashed waiter's token ends with it. {@code 0}: a single attempt,
     * never in the set.
     *
     * <p>A failed waiting attempt also puts its owner in the writers set (scored by when that mark
     * ends, in Redis's time, as long as its waiters-set entry lives), which makes new shared
     * acquisitions wait behind it; {@code 2} takes it out again on success. Both only on the
     * contended path: an uncontended lock costs {@code SET} and {@code INCR}.
     */
    ACQUIRE(ScriptOutputType.MULTI, """
            local waiting = ARGV[3] ~= '0'
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              if ARGV[3] == '2' then
                redis.call('SREM', KEYS[3], ARGV[1])
                redis.call('ZREM', KEYS[4], ARGV[1])
              end
              return {1, redis.call('INCR', KEYS[2])}
            end
            local ttl = redis.call('PTTL', KEYS[1])
            """ + Lua.joinWaiters(3) + """
            if waiting then
            """ + Lua.NOW + """
              redis.call('ZADD', KEYS[4], now + keep, ARGV[1])
              if redis.call('PTTL', KEYS[4]) < keep then
                redis.call('PEXPIRE', KEYS[4], keep)
              end
            end
            return {0, ttl}
            """),
    /**
     * KEYS: lock, fence, waiters, readers, writers. ARGV: owner, lease ms, waiting. Takes a share
     * of the lock: returns {1, fencing token} when acquired, else {0, ms until the holder's lease or
     * the first writer mark ends}.
     *
     * <p>The readers set holds each shared owner scored by its lease end in Redis's time; the lock
     * key is {@link HoldKeys#SHARED_HOLDER} and both expire at the last lease end, so a crashed
     * reader's share ends with its lease, and an exclusive {@code SET NX} succeeds only once no
     * share is left. Entries past their end are removed here, before they are counted. A share is
     * refused while an exclusive owner holds the key or any unexpired writer mark exists (writer
     * preference). The token comes from the lock's own fence counter, so it is above every
     * exclusive token before it. {@code waiting} as for {@link #ACQUIRE} ({@code 1} and {@code 2}
     * alike).
     */
    ACQUIRE_SHARED(ScriptOutputType.MULTI, (Lua.NOW + """
            local waiting = ARGV[3] ~= '0'
            local holder = redis.call('GET', KEYS[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
            local writer = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
            if (not holder or holder == '%1$s') and #writer == 0 then
              if holder then
                redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
              else
                redis.call('DEL', KEYS[4])
              end
              redis.call('SET', KEYS[1], '%1$s')
            """ + Lua.take(4, 1, 3, 2) + """
            end
            local ttl = redis.call('PTTL', KEYS[1])
            if #writer > 0 then
              local markLeft = tonumber(writer[2]) - now
              if ttl <= 0 or markLeft < ttl then
                ttl = markLeft
              end
            end
            """ + Lua.joinWaiters(3) + """
            return {0, ttl}
            """).formatted(HoldKeys.SHARED_HOLDER)),
    /**
     * KEYS: holders, count, fence, waiters (of one semaphore). ARGV: owner, lease ms, waiting,
     * permits. Takes a permit: returns {1, fencing token} when acquired, {0, ms until the first
     * holder's lease ends} when all permits are held, or {-1, the holders' count} when the holders
     * use another number of permits (then it leaves nothing: no permit, no waiters-set entry).
     *
     * <p>The holders set holds each permit's owner scored by its lease end in Redis's time; the
     * count key holds the holders' number of permits; both expire at the last lease end. Entries
     * past their end are removed before they are counted, so a crashed holder's permit comes back
     * at its lease end. The token comes from the semaphore's own fence counter. {@code waiting} as
     * for {@link #ACQUIRE}.
     */
    ACQUIRE_PERMIT(ScriptOutputType.MULTI, Lua.NOW + """
            local waiting = ARGV[3] ~= '0'
            local permits = tonumber(ARGV[4])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            local held = redis.call('ZCARD', KEYS[1])
            if held > 0 then
              local count = tonumber(redis.call('GET', KEYS[2]))
              if count and count ~= permits then
                if ARGV[3] == '2' then
                  redis.call('SREM', KEYS[4], ARGV[1])
                end
                return {-1, count}
              end
            end
            if held < permits then
              redis.call('SET', KEYS[2], ARGV[4])
            """ + Lua.take(1, 2, 4, 3) + """
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local ttl = tonumber(first[2]) - now
            """ + Lua.joinWaiters(4) + """
            return {0, ttl}
            """),
    /**
     * KEYS: lock, waiters. ARGV: owner, how releases are announced ({@link Lua#announce}). Deletes
     * only our own lock, and wakes its waiters: it publishes only while the waiters set exists (an
     * empty set does not), so a lock nobody waits for sends no message.
     */
    RELEASE(ScriptOutputType.INTEGER, """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              if redis.call('EXISTS', KEYS[2]) == 1 then
            """ + Lua.announce("KEYS[1]") + """
              end
              return 1
            end
            return 0
            """),
    /**
     * KEYS: the holders set (readers of a lock, or holders of a semaphore), the key that lives as
     * long as it (the lock key, or the semaphore's count), waiters. ARGV: owner, {@code 1} for a share
     * of a lock or {@code 0} for a permit, how releases are announced. Takes our entry out of the
     * holders set; returns 1 when it was ours and its lease had not ended, else 0. With the last holder gone the
     * other key is deleted (a lock key only while it marks shared holders), else both move to the
     * last remaining lease end. Wakes waiters (a lock's message is the lock key, a semaphore's its
     * holders set) when the last reader leaves a lock, or whenever a permit comes free.
     */
    RELEASE_HELD(ScriptOutputType.INTEGER, ("""
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score then
              return 0
            end
            """ + Lua.NOW + """
            local shared = ARGV[2] == '1'
            local other = not shared or redis.call('GET', KEYS[2]) == '%1$s'
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            if #last == 0 then
              if other then
                redis.call('DEL', KEYS[2])
              end
            else
              local keep = tonumber(last[2]) - now
              redis.call('PEXPIRE', KEYS[1], keep)
              if other then
                redis.call('PEXPIRE', KEYS[2], keep)
              end
            end
            if (#last == 0 or not shared) and redis.call('EXISTS', KEYS[3]) == 1 then
            """ + Lua.announce("shared and KEYS[2] or KEYS[1]") + """
            end
            if tonumber(score) > now then
              return 1
            end
            return 0
            """).formatted(HoldKeys.SHARED_HOLDER)),
    /**
     * KEYS: waiters, and for an exclusive acquisition its lock's writers set. ARGV: owner, the key
     * the waiters wait on, how releases are announced. A waiter stops waiting without the lock
     * (wait time over, interrupted, failed); returns 1 when it was in the waiters set. Taking out the last writer mark
     * lets readers in, so then the remaining waiters are woken at once rather than at the holder's
     * lease end.
     */
    STOP_WAITING(ScriptOutputType.INTEGER, """
            local left = redis.call('SREM', KEYS[1], ARGV[1])
            if KEYS[2] and redis.call('ZREM', KEYS[2], ARGV[1]) == 1
                and redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
            """ + Lua.announce("ARGV[2]") + """
            end
            return left
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
            """),
    /**
     * KEYS: per hold two keys (one hash slot): its holders set (readers of a lock, holders of a
     * semaphore) and the key that lives as long as that set (the lock key, the semaphore's count).
     * ARGV: the n owners, then their n lease ms. Moves each owner's lease end that has not passed to
     * its lease ms from now, and both keys' expiry to the set's last lease end; returns a 1 or 0 per
     * hold. While a reader's lease runs the lock key is the shared-holders mark (nothing else
     * replaces it before the set is empty), so it is not read here.
     */
    RENEW_HELD_MANY(ScriptOutputType.MULTI, Lua.NOW + """
            local n = #ARGV / 2
            local renewed = {}
            for i = 1, n do
              local holders, other = KEYS[2 * i - 1], KEYS[2 * i]
              local score = redis.call('ZSCORE', holders, ARGV[i])
              if score and tonumber(score) > now then
                redis.call('ZADD', holders, now + tonumber(ARGV[n + i]), ARGV[i])
            """ + Lua.expireWithLastLease("holders", "other") + """
                renewed[i] = 1
              else
                renewed[i] = 0
              end
            end
            return renewed
            """);

    /**
     * @param sharded whether releases go by sharded pub/sub (a Cluster of Redis 7 nodes, unless turned off)
     * @return the release scripts' last argument, which says how they announce a release
     */
    static String announcing(boolean sharded) {
        return sharded ? Lua.SHARDED : Lua.PLAIN;
    }

    /** Lua that several scripts share, so each step is written once. */
    private static final class Lua {
        /** {@link #announce}'s last ARGV for {@code SPUBLISH}; {@link #PLAIN} for {@code PUBLISH}. */
        static final String SHARDED = "S";
        static final String PLAIN = "P";
        /**
         * How much longer than the holder's lease a waiters set lives: a waiter tries again at the
         * latest when that lease ends, and this covers a slow round trip on the way.
         */
        static final long WAITERS_MARGIN_MILLIS = Duration.ofSeconds(10).toMillis();
        /** Sets {@code now}: Redis's own clock in ms, on which every lease end in a holders set is counted. */
        static final String NOW = """
                local time = redis.call('TIME')
                local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
                """;
        private Lua() {
        }

        /**
         * @param waitKey the key the waiters wait on, as a Lua expression: the message
         * @return Lua that announces a release as the script's last ARGV says: {@link #SHARDED}
         *     {@code SPUBLISH}es on the key's own channel, {@code locker:released:{<tag>}}, whose hash
         *     tag puts it in the keys' slot, as Redis requires ({@link ShardedReleases#channelOf} names
         *     it alike); anything else {@code PUBLISH}es on {@code locker:released}
         */
        static String announce(String waitKey) {
            return """
                    do
                      local message = %1$s
                      if ARGV[#ARGV] == '%2$s' then
                        redis.call('SPUBLISH', '%3$s:' .. string.match(message, '{[^}]*}'), message)
                      else
                        redis.call('PUBLISH', '%3$s', message)
                      end
                    end
                    """.formatted(waitKey, SHARDED, RedisBackend.RELEASE_CHANNEL);
        }

        /**
         * @param waiters the KEYS index of the waiters set
         * @return Lua that, with {@code ttl} the ms until the caller tries again at the latest, sets
         *     {@code keep} to that plus {@link #WAITERS_MARGIN_MILLIS}, and makes a {@code waiting}
         *     caller join the waiters set, which then lives at least that long
         */
        static String joinWaiters(int waiters) {
            return """
                    local keep = math.max(ttl, 0) + %2$d
                    if waiting then
                      redis.call('SADD', KEYS[%1$d], ARGV[1])
                      if redis.call('PTTL', KEYS[%1$d]) < keep then
                        redis.call('PEXPIRE', KEYS[%1$d], keep)
                      end
                    end
                    """.formatted(waiters, WAITERS_MARGIN_MILLIS);
        }

        /**
         * @param holders a holders set, as a Lua expression
         * @param other the key that lives as long as it, as a Lua expression
         * @return Lua that expires both keys at the set's last lease end, which it sets as {@code keep}
         */
        static String expireWithLastLease(String holders, String other) {
            return """
                    local last = redis.call('ZRANGE', %1$s, -1, -1, 'WITHSCORES')
                    local keep = tonumber(last[2]) - now
                    redis.call('PEXPIRE', %1$s, keep)
                    redis.call('PEXPIRE', %2$s, keep)
                    """.formatted(holders, other);
        }

        /**
         * The end of an acquire script that takes a share or a permit (with {@code now} and
         * {@code waiting} set): adds ARGV[1] to the holders set with its lease ARGV[2] from now,
         * expires the set and the other key at the last lease end, leaves the waiters set, and
         * returns {1, the next fencing token}. The arguments are KEYS indices.
         */
        static String take(int holders, int other, int waiters, int fence) {
            return """
                    redis.call('ZADD', KEYS[%1$d], now + tonumber(ARGV[2]), ARGV[1])
                    """.formatted(holders)
                    + expireWithLastLease("KEYS[" + holders + "]", "KEYS[" + other + "]")
                    + """
                    if ARGV[3] == '2' then
                      redis.call('SREM', KEYS[%1$d], ARGV[1])
                    end
                    return {1, redis.call('INCR', KEYS[%2$d])}
                    """.formatted(waiters, fence);
        }
    }

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
