package io.github.locker;

import java.util.Optional;

/**
 * The root of every exception this library throws about a lock. Unchecked: a caller that cannot
 * handle a lock failure lets it propagate like any other failure of the operation it guards.
 *
 * <p>Subtypes say what happened: {@link LockNotAcquiredException} (someone else holds it; its
 * subtype {@link LockTimeoutException} when a wait time ran out), {@link LockLostException} (the
 * lease ended while the caller believed it held the lock), {@link LockBackendException} (the
 * backend could not be reached or answered with an error). Messages never contain credentials.
 */
public class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key the lock key the failure concerns, or {@code null} when it concerns no single key
     * @param message a sentence that says what failed and, where there is one, what to do
     * @param cause the underlying failure, or {@code null}
     */
    public LockException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** @return the lock key this failure concerns, empty when it concerns no single key */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
