package io.github.locker.core;

import io.github.locker.Locker;
import java.nio.charset.StandardCharsets;

/** The argument checks every driver applies to a key, with messages naming the argument. */
public final class Keys {
    private Keys() {
    }

    /**
     * @param key a key a caller passed
     * @return the key, when it is valid
     * @throws IllegalArgumentException when it is null, blank or longer than {@link Locker#MAX_KEY_BYTES}
     */
    public static String requireValid(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank, was '" + key + "'");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Locker.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be at most " + Locker.MAX_KEY_BYTES
                    + " UTF-8 bytes, was " + bytes + " bytes (starting '" + key.substring(0, 32) + "...')");
        }
        return key;
    }
}
