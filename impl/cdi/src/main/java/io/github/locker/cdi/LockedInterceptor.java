package io.github.locker.cdi;

import io.github.locker.Lock;
import io.github.locker.LockException;
import io.github.locker.LockLostException;
import io.github.locker.Locked;
import io.github.locker.MultiLock;
import io.github.locker.LockNotAcquiredException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs {@link Locked} methods under their lock. The method is invoked only once the lock is held
 * and the lock is released however it ends. When the lease was lost while the method ran, the
 * caller gets {@link LockLostException} instead of the result.
 *
 * <p><b>Asynchronous results.</b> A method returning a {@link CompletionStage} (or
 * {@code CompletableFuture}) never blocks its caller: the interceptor returns at once, the method
 * runs once the lock is held, and the lock is released when the method's stage completes. A method
 * returning Mutiny's {@code Uni} or {@code Multi} takes the lock when the result is subscribed and
 * releases it when the result terminates (item, completion, failure or cancellation). Either way the
 * method runs on the Vert.x context the call came from when there is one (Quarkus), else on the
 * locker's own thread (where a container's request context is not active); the release never
 * blocks an event-loop thread. These acquisitions are not reentrant.
 *
 * <p><b>Priority {@value #PRIORITY}</b> ({@code PLATFORM_BEFORE + 100}): before Jakarta
 * Transactions' interceptor ({@code PLATFORM_BEFORE + 200}), so the lock is taken before a
 * transaction begins and released after it has committed: no other node sees the lock free while
 * the data it guards is not yet committed.
 */
@Locked
@Interceptor
@Priority(LockedInterceptor.PRIORITY)
public class LockedInterceptor {
    /** Outside {@code @Transactional} ({@code Interceptor.Priority.PLATFORM_BEFORE + 200}). */
    public static final int PRIORITY = Interceptor.Priority.PLATFORM_BEFORE + 100;

    private final LockerRegistry registry;

    /** @param registry the application's lockers */
    @Inject
    public LockedInterceptor(LockerRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param invocation the intercepted call
     * @return the method's result, or the "nothing" of its return type when skipped
     * @throws Exception what the method throws, or a {@link LockException}
     */
    @AroundInvoke
    public Object runLocked(InvocationContext invocation) throws Exception {
        LockedCall call = registry.call(invocation.getTarget().getClass(), invocation.getMethod());
        List<String> keys = call.keys(invocation.getParameters());
        switch (call.result()) {
            case STAGE:
                return lockedStage(invocation, call, keys, CallerContext.capture());
            case UNI:
                return MutinyResults.uni(lockedWork(invocation, call, keys), CallerContext.capture());
            case MULTI:
                return MutinyResults.multi(lockedWork(invocation, call, keys), CallerContext.capture());
            default:
                return lockedCall(invocation, call, keys);
        }
    }

    /** A plain method: the caller's thread waits for the lock (reentrant), runs the method, and releases it. */
    private static Object lockedCall(InvocationContext invocation, LockedCall call, List<String> keys) throws Exception {
        Optional<Lock> acquired = acquire(call, keys);
        if (acquired.isEmpty()) {
            return call.nothing();
        }
        Lock lock = acquired.get();
        Object result;
        try {
            result = proceedHolding(invocation, lock);
        } catch (Exception | Error failure) {
            unlockAfter(failure, lock);
            throw failure;
        }
        boolean heldThroughout = lock.isHeld();
        if (!lock.unlock() || !heldThroughout) {
            throw lostWhileRunning(lock, call);
        }
        return result;
    }

    /**
     * A method returning a {@link CompletionStage}: nothing waits for the lock. The method runs on
     * the caller's Vert.x context (or the locker's thread) once the lock is held, and the lock is
     * released, without blocking, when its stage completes; the caller's stage completes after that.
     */
    private static CompletableFuture<Object> lockedStage(InvocationContext invocation, LockedCall call, List<String> keys,
            Executor resumeOn) {
        return acquireAsync(call, keys).thenComposeAsync(acquired -> {
            if (acquired.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Lock lock = acquired.get();
            CompletionStage<?> work;
            try {
                work = (CompletionStage<?>) proceedHolding(invocation, lock);
            } catch (Exception | Error failure) {
                work = CompletableFuture.failedFuture(failure);
            }
            if (work == null) {
                work = CompletableFuture.failedFuture(new IllegalStateException("@Locked method '" + call.where()
                        + "' returned null instead of a CompletionStage"));
            }
            return work.handle((value, failure) -> releaseAsync(lock, value, failure, call)).thenCompose(Function.identity());
        }, resumeOn).toCompletableFuture().whenCompleteAsync((value, failure) -> { }, resumeOn);
    }

    private static MutinyResults.LockedWork lockedWork(InvocationContext invocation, LockedCall call, List<String> keys) {
        return new MutinyResults.LockedWork() {
            @Override
            public CompletionStage<Optional<Lock>> acquire() {
                return acquireAsync(call, keys);
            }

            @Override
            public Object proceed(Lock lock) throws Exception {
                return proceedHolding(invocation, lock);
            }

            @Override
            public CompletionStage<Object> release(Lock lock, Object value, Throwable failure) {
                return releaseAsync(lock, value, failure, call);
            }
        };
    }

    /**
     * An asynchronous method's lock outlives the call, so the calling thread must not re-enter it
     * on its next call: the asynchronous acquisitions never count reentrancy.
     */
    private static CompletionStage<Optional<Lock>> acquireAsync(LockedCall call, List<String> keys) {
        CompletableFuture<?> locking;
        CompletableFuture<Optional<Lock>> held;
        if (keys.size() == 1) {
            if (call.contention() == Locked.Contention.SKIP) {
                return call.locker().tryLockAsync(keys.get(0), call.options());
            }
            CompletableFuture<Lock> one = call.locker().lockAsync(keys.get(0), call.options()).toCompletableFuture();
            locking = one;
            held = one.thenApply(Optional::of);
        } else {
            CompletableFuture<MultiLock> all = call.locker().lockAllAsync(keys, call.options()).toCompletableFuture();
            locking = all;
            held = all.handle((taken, failure) -> {
                if (failure == null) {
                    return Optional.of(HeldKeys.of(taken));
                }
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (skips(call, cause)) {
                    return Optional.empty();
                }
                throw cause instanceof CompletionException wrapped ? wrapped : new CompletionException(cause);
            });
        }
        // giving up on the result (a cancelled Uni) gives up the wait; a lock arriving after that is released
        held.whenComplete((lock, failure) -> {
            if (held.isCancelled()) {
                locking.cancel(false);
            }
        });
        return held;
    }

    /** A plain method's acquisition: one key re-enters what this thread holds; several are taken all or none. */
    private static Optional<Lock> acquire(LockedCall call, List<String> keys) {
        if (keys.size() == 1) {
            return call.contention() == Locked.Contention.SKIP ? call.locker().tryLock(keys.get(0), call.options())
                    : Optional.of(call.locker().lock(keys.get(0), call.options()));
        }
        try {
            return Optional.of(HeldKeys.of(call.locker().lockAll(keys, call.options())));
        } catch (LockNotAcquiredException busy) {
            if (skips(call, busy)) {
                return Optional.empty();
            }
            throw busy;
        }
    }

    /** SKIP passes over a call whose keys were held elsewhere (for one attempt, or its wait time). */
    private static boolean skips(LockedCall call, Throwable failure) {
        return call.contention() == Locked.Contention.SKIP && failure instanceof LockNotAcquiredException;
    }

    private static Object proceedHolding(InvocationContext invocation, Lock lock) throws Exception {
        ThreadLockContext.enter(lock);
        try {
            return invocation.proceed();
        } finally {
            ThreadLockContext.leave();
        }
    }

    /**
     * Releases without blocking after an asynchronous body ended.
     *
     * @return the body's outcome once released; a lease that ended meanwhile turns a value into
     *     {@link LockLostException}, a failure keeps the failure (with an unlock failure suppressed)
     */
    private static CompletionStage<Object> releaseAsync(Lock lock, Object value, Throwable failure, LockedCall call) {
        boolean heldThroughout = lock.isHeld();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        lock.unlockAsync().whenComplete((owned, unlockFailure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (unlockFailure != null) {
                    cause.addSuppressed(unlockFailure);
                }
                outcome.completeExceptionally(cause);
            } else if (unlockFailure != null) {
                outcome.completeExceptionally(unlockFailure);
            } else if (!owned || !heldThroughout) {
                outcome.completeExceptionally(lostWhileRunning(lock, call));
            } else {
                outcome.complete(value);
            }
        });
        return outcome;
    }

    /** A lease that ended while the method ran: the section was not exclusive, and the caller must know. */
    private static LockLostException lostWhileRunning(Lock lock, LockedCall call) {
        return new LockLostException(lock.key(), lock.fencingToken(), "@Locked on '" + call.where() + "': the lock '"
                + lock.key() + "' on locker '" + call.locker().name() + "' was lost while the method ran (its lease "
                + "ended), so the method did not run exclusively", null);
    }

    private static void unlockAfter(Throwable failure, Lock lock) {
        try {
            lock.unlock();
        } catch (RuntimeException unlockFailure) {
            failure.addSuppressed(unlockFailure);
        }
    }
}
