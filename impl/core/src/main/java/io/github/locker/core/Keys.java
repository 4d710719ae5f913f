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
     * @throws IllegalArgumentException when it is null, blank, holds an unpaired surrogate or is
     *     longer than {@link Locker#MAX_KEY_BYTES}
     */
    public static String requireValid(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank, was '" + key + "'");
        }
        requireWellFormed(key);
        // a char is at most 3 UTF-8 bytes: most keys are short enough not to be encoded here at all
        int bytes = key.length() * 3 <= Locker.MAX_KEY_BYTES ? key.length() : key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Locker.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be at most " + Locker.MAX_KEY_BYTES
                    + " UTF-8 bytes, was " + bytes + " bytes (starting '" + key.substring(0, 32) + "...')");
        }
        return key;
    }

    /**
     * An unpaired surrogate has no UTF-8 form: encoders write {@code ?} for it (not all of them the
     * same way around it), so two keys would share one lock on the backend, and a lock could move
     * to another name between client versions.
     */
    private static void requireWellFormed(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("key must be well-formed Unicode, but the char at index %d "
                        + "is an unpaired surrogate (\\u%04X), which has no UTF-8 form", i, (int) c));
            }
        }
    }

    /**
     * Escapes characters a backend gives a meaning to inside its keys, as {@code %XX}, and {@code %}
     * itself, so distinct keys stay distinct and none of {@code reserved} remains.
     *
     * @param key a valid key
     * @param reserved the characters to escape
     * @return the escaped key
     */
    public static String escape(String key, String reserved) {
        int first = 0;
        while (first < key.length() && !isEscaped(key.charAt(first), reserved)) {
            first++;
        }
        if (first == key.length()) {
            return key; // nothing to escape: most keys, and no copy of them
        }
        StringBuilder escaped = new StringBuilder(key.length() + 8).append(key, 0, first);
        for (int i = first; i < key.length(); i++) {
            char c = key.charAt(i);
            if (isEscaped(c, reserved)) {
                escaped.append('%').append(String.format("%02X", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static boolean isEscaped(char c, String reserved) {
        return c == '%' || reserved.indexOf(c) >= 0;
    }
}
