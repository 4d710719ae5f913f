package io.github.locker.sample;

/**
 * A write to the {@link CheckinStore} carried a fencing token older than one the record already
 * accepted: the writer's lock had ended and another holder had written since. The write was not
 * applied.
 */
public class StaleTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what the record written
     * @param token the rejected token
     * @param newest the newest token the record accepted
     */
    public StaleTokenException(String what, long token, long newest) {
        super("The " + what + " rejected a write fenced with token " + token + ": it accepted token " + newest
                + " already, so the writer's lock had ended");
    }
}
