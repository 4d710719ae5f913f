package io.github.locker.testing;

/**
 * What a unit test may ask of the {@linkplain MemoryDriver memory driver}'s locks. A lock is named
 * by its section id ({@code main} for {@code memory.main}), its locker's key prefix (default
 * {@code locker:}) and its key.
 */
public final class MemoryLocks {

    private MemoryLocks() {
    }

    /**
     * @param instance the section id, {@code main} for {@code memory.main}
     * @param keyPrefix the locker's key prefix, {@code locker:} unless configured
     * @param key the key, e.g. {@code checkin:42}
     * @return whether some owner holds the lock now (a lease that ended does not count)
     */
    public static boolean isHeld(String instance, String keyPrefix, String key) {
        return MemoryStore.named(instance).isHeld(MemoryStore.keyOf(keyPrefix, key));
    }

    /**
     * @param instance the section id
     * @param keyPrefix the locker's key prefix
     * @param key the key
     * @return how many acquisitions wait for the lock now
     */
    public static int waiting(String instance, String keyPrefix, String key) {
        return MemoryStore.named(instance).waiting(MemoryStore.keyOf(keyPrefix, key));
    }

    /**
     * Forgets every lock of every section, as a fresh server would: for a test's clean start. A
     * lease still held somewhere finds its lock gone at its next renewal and is reported lost.
     * Waiting acquisitions are woken and try again.
     */
    public static void reset() {
        MemoryStore.resetAll();
    }
}
