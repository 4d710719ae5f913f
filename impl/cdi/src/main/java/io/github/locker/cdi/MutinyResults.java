package io.github.locker.cdi;

import io.github.locker.Lock;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code @Locked} on methods returning Mutiny's {@link Uni} or {@link Multi}: the lock is taken
 * when the result is subscribed (each subscription takes it anew), the method runs once it is held,
 * and it is released when the result terminates: item, completion, failure, or cancellation. Only
 * loaded when a {@code @Locked} method returns one, so Mutiny stays optional.
 */
final class MutinyResults {
    private MutinyResults() {
    }

    /** What the interceptor gives: how to take the lock, how to run the method under it, how to release it. */
    interface LockedWork {
        /** @return the acquisition: the lock, or empty when the call is skipped */
        CompletionStage<Optional<Lock>> acquire();

        /** @return what the intercepted method returns, run while the lock is held */
        Object proceed(Lock lock) throws Exception;

        /** @return the outcome after the release: {@code value}, {@code failure}, or the loss of the lock */
        CompletionStage<Object> release(Lock lock, Object value, Throwable failure);
    }

    static Uni<Object> uni(LockedWork work, Executor resumeOn) {
        return Uni.createFrom().deferred(() -> {
            Subscription subscription = new Subscription(work);
            return Uni.createFrom().completionStage(subscription::start)
                    .emitOn(resumeOn)
                    .onItem().transformToUni(acquired -> acquired.isEmpty() ? Uni.createFrom().nullItem()
                            : Uni.createFrom().deferred(unchecked(() -> (Uni<?>) work.proceed(acquired.get())))
                                    .onItemOrFailure().transformToUni((item, failure) -> Uni.createFrom()
                                            .completionStage(subscription.terminated(item, failure)))
                                    .emitOn(resumeOn))
                    .onCancellation().call(() -> Uni.createFrom().completionStage(subscription.cancelled()));
        });
    }

    static Multi<Object> multi(LockedWork work, Executor resumeOn) {
        return Multi.createFrom().deferred(() -> {
            Subscription subscription = new Subscription(work);
            return Multi.createFrom().completionStage(subscription::start)
                    .emitOn(resumeOn)
                    .onItem().transformToMultiAndConcatenate(acquired -> acquired.isEmpty() ? Multi.createFrom().empty()
                            : Multi.createFrom().deferred(unchecked(() -> (Multi<?>) work.proceed(acquired.get())))
                                    .onCompletion().call(() -> Uni.createFrom().completionStage(subscription.terminated(null, null)))
                                    .onFailure().recoverWithMulti(failure -> Multi.createFrom()
                                            .completionStage(subscription.terminated(null, failure)))
                                    .emitOn(resumeOn))
                    .onCancellation().call(() -> Uni.createFrom().completionStage(subscription.cancelled()));
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> Supplier<T> unchecked(java.util.concurrent.Callable<?> call) {
        return () -> {
            try {
                return (T) call.call();
            } catch (RuntimeException | Error failure) {
                throw failure;
            } catch (Exception checked) {
                throw new java.util.concurrent.CompletionException(checked);
            }
        };
    }

    /**
     * One subscription's lock: pending, held, or done. Whichever of "acquired" and "ended" comes
     * second releases it, so a lock that arrives after a cancellation is never left held.
     */
    private static final class Subscription {
        private static final Object PENDING = new Object();
        private static final Object ENDED = new Object();
        private final LockedWork work;
        private final AtomicReference<Object> state = new AtomicReference<>(PENDING);
        private volatile CompletableFuture<Optional<Lock>> acquisition;

        Subscription(LockedWork work) {
            this.work = work;
        }

        CompletionStage<Optional<Lock>> start() {
            CompletableFuture<Optional<Lock>> pending = work.acquire().toCompletableFuture();
            acquisition = pending;
            pending.thenAccept(acquired -> acquired.ifPresent(lock -> {
                if (!state.compareAndSet(PENDING, lock)) {
                    lock.unlockAsync(); // cancelled while the lock was on its way
                }
            }));
            return pending;
        }

        /** The body ended: release, and tell its outcome (or the loss of the lock). */
        CompletionStage<Object> terminated(Object item, Throwable failure) {
            Object held = state.getAndSet(ENDED);
            if (held instanceof Lock lock) {
                return work.release(lock, item, failure);
            }
            return failure == null ? CompletableFuture.completedFuture(item) : CompletableFuture.failedFuture(failure);
        }

        /** The subscriber cancelled: stop the acquisition, or release the lock. */
        CompletionStage<?> cancelled() {
            Object held = state.getAndSet(ENDED);
            if (held instanceof Lock lock) {
                return lock.unlockAsync().exceptionally(unreachable -> false);
            }
            CompletableFuture<Optional<Lock>> pending = acquisition;
            if (pending != null) {
                pending.cancel(false);
            }
            return CompletableFuture.completedFuture(null);
        }
    }
}
