package io.github.locker.tck.redis;

import io.github.locker.tck.Nodes;

/**
 * The Redis names the driver gives a TCK key, written out here as the driver's documentation
 * states them, so tests look at Redis without asking the driver where it put things.
 */
final class RedisKeys {
    private RedisKeys() {
    }

    /** @return the lock key of a key given to a TCK locker: {@code <prefix>{<key>}} (the key has no braces) */
    static String lockKeyOf(String key) {
        return Nodes.PREFIX + "{" + key + "}";
    }

    /** @return the channel its releases are announced on: {@code locker:released:{<key>}} */
    static String releaseChannelOf(String key) {
        return "locker:released:{" + key + "}";
    }
}
