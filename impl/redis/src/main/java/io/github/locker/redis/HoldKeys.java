package io.github.locker.redis;

import io.github.locker.LockMode;

/**
 * Where one hold of a key in one mode lives on Redis, and which scripts take, renew and release
 * it. Every key shares the lock key's hash tag {@code {<key>}}, so each script runs on one node.
 *
 * <ul>
 *   <li>Exclusive: the lock key {@code L = <prefix>{<key>}} holds the owner; {@code L:fence} counts
 *       tokens; {@code L:waiters} is the set of waiting owners; {@code L:writers} marks waiting
 *       exclusive acquisitions, which keep new shared ones out.</li>
 *   <li>Shared: {@code L:readers} scores each shared owner by its lease end, and {@code L} holds
 *       {@link #SHARED_HOLDER} until the last of them, so an exclusive acquisition (the unchanged
 *       {@link RedisScript#ACQUIRE}) finds the key taken. Same fence and waiters as exclusive.</li>
 *   <li>Permit: a semaphore apart from the lock, {@code S = L:permits}, scoring each permit's owner
 *       by its lease end; {@code S:count} holds its holders' number of permits, {@code S:fence} and
 *       {@code S:waiters} its own counter and waiters.</li>
 * </ul>
 */
final class HoldKeys {
    /**
     * What the lock key holds while it is held shared: never an owner token (those are
     * {@code <random>:<n>}), so no owner's compare-and-delete or renewal matches it.
     */
    static final String SHARED_HOLDER = "shared";

    private final String waitKey;
    private final RedisScript acquire;
    private final String[] acquireKeys;
    private final RedisScript renew;
    private final String[] renewKeys;
    private final RedisScript release;
    private final String[] releaseKeys;
    private final String releaseMode;
    private final String[] stopWaitingKeys;

    private HoldKeys(String waitKey, RedisScript acquire, String[] acquireKeys, RedisScript renew, String[] renewKeys,
            RedisScript release, String[] releaseKeys, String releaseMode, String[] stopWaitingKeys) {
        this.waitKey = waitKey;
        this.acquire = acquire;
        this.acquireKeys = acquireKeys;
        this.renew = renew;
        this.renewKeys = renewKeys;
        this.release = release;
        this.releaseKeys = releaseKeys;
        this.releaseMode = releaseMode;
        this.stopWaitingKeys = stopWaitingKeys;
    }

    /**
     * @param lockKey the key's lock key, {@code <prefix>{<key>}}
     * @param mode the mode of the hold
     * @return the keys and scripts of a hold of that key in that mode
     */
    static HoldKeys of(String lockKey, LockMode mode) {
        String waiters = RedisBackend.waitersKeyOf(lockKey);
        String fence = lockKey + ":fence";
        return switch (mode) {
            case EXCLUSIVE -> {
                String writers = lockKey + ":writers";
                yield new HoldKeys(lockKey, RedisScript.ACQUIRE, new String[] {lockKey, fence, waiters, writers},
                        RedisScript.RENEW_MANY, new String[] {lockKey}, RedisScript.RELEASE, new String[] {lockKey, waiters},
                        null, new String[] {waiters, writers});
            }
            case SHARED -> {
                String readers = lockKey + ":readers";
                yield new HoldKeys(lockKey, RedisScript.ACQUIRE_SHARED,
                        new String[] {lockKey, fence, waiters, readers, lockKey + ":writers"}, RedisScript.RENEW_HELD_MANY,
                        new String[] {readers, lockKey}, RedisScript.RELEASE_HELD, new String[] {readers, lockKey, waiters},
                        "1", new String[] {waiters});
            }
            case PERMIT -> {
                // ':permits' never ends a lock key (those end with '}'), so the semaphore is apart from every lock
                String holders = lockKey + ":permits";
                String count = holders + ":count";
                String permitWaiters = RedisBackend.waitersKeyOf(holders);
                yield new HoldKeys(holders, RedisScript.ACQUIRE_PERMIT,
                        new String[] {holders, count, holders + ":fence", permitWaiters}, RedisScript.RENEW_HELD_MANY,
                        new String[] {holders, count}, RedisScript.RELEASE_HELD, new String[] {holders, count, permitWaiters},
                        "0", new String[] {permitWaiters});
            }
        };
    }

    /** @return the key the waiters register under and releases publish: the lock key, or a semaphore's holders set */
    String waitKey() {
        return waitKey;
    }

    /** @return whether the hold is a share of a lock, whose waiters are all woken together by a release */
    boolean shared() {
        return acquire == RedisScript.ACQUIRE_SHARED;
    }

    RedisScript acquire() {
        return acquire;
    }

    /** @return the acquire script's KEYS (see {@link RedisScript}) */
    String[] acquireKeys() {
        return acquireKeys;
    }

    /** @return {@link RedisScript#RENEW_MANY} (one key a hold) or {@link RedisScript#RENEW_HELD_MANY} (two) */
    RedisScript renew() {
        return renew;
    }

    /** @return this hold's part of the renewal script's KEYS */
    String[] renewKeys() {
        return renewKeys;
    }

    RedisScript release() {
        return release;
    }

    String[] releaseKeys() {
        return releaseKeys;
    }

    /**
     * @param owner the hold's owner token
     * @param announcing how releases are announced ({@link RedisScript#announcing})
     * @return the release script's ARGV
     */
    String[] releaseArguments(String owner, String announcing) {
        return releaseMode == null ? new String[] {owner, announcing} : new String[] {owner, releaseMode, announcing};
    }

    /** @return {@link RedisScript#STOP_WAITING}'s KEYS: the waiters set, and an exclusive acquisition's writer marks */
    String[] stopWaitingKeys() {
        return stopWaitingKeys;
    }
}
