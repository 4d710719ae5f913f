package io.github.locker.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The stage a caller of an asynchronous locker method gets: only the locker completes it with a
 * value. The caller may give up on it (cancel it, complete it exceptionally, {@code orTimeout}),
 * which aborts what it stands for; it cannot make it look acquired. Its dependents are ordinary
 * futures.
 *
 * @param <T> the result type
 */
final class CallerStage<T> extends CompletableFuture<T> {
    private static final String LOCKER_ONLY = "Only the locker completes this stage with a value; cancel it, or "
            + "complete it exceptionally, to give up";

    /** @return whether this call completed it (false: the caller had given up first) */
    boolean deliver(T value) {
        return super.complete(value);
    }

    /** @return whether this call completed it */
    boolean fail(Throwable failure) {
        return super.completeExceptionally(failure);
    }

    @Override
    public boolean complete(T value) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public void obtrudeValue(T value) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public void obtrudeException(Throwable failure) {
        throw new UnsupportedOperationException(LOCKER_ONLY);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
