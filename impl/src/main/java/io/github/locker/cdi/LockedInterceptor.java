package io.github.locker.cdi;

import io.github.locker.Lock;
import io.github.locker.LockException;
import io.github.locker.LockLostException;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.Locked;
import io.github.locker.Locker;
import io.github.locker.core.Durations;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs {@link Locked} methods under their lock. The method is invoked only once the lock is held
 * and the lock is released however it ends; a method returning a {@link CompletionStage} holds
 * the lock until the stage completes. When the lease was lost while the method ran, the caller gets
 * {@link LockLostException} instead of the result.
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

    private static final Map<Class<?>, Object> ZEROES = Map.of(boolean.class, false, char.class, '\0',
            byte.class, (byte) 0, short.class, (short) 0, int.class, 0, long.class, 0L, float.class, 0f, double.class, 0d);

    private final LockerRegistry registry;
    private final Map<Method, LockedCall> calls = new ConcurrentHashMap<>();

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
        LockedCall call = calls.computeIfAbsent(invocation.getMethod(), method -> plan(method, invocation.getTarget()));
        String key = call.key(invocation.getParameters());
        Optional<Lock> acquired = acquire(call, key);
        if (acquired.isEmpty()) {
            return call.nothing();
        }
        Lock lock = acquired.get();
        Object result;
        ThreadLockContext.enter(lock);
        try {
            result = invocation.proceed();
        } catch (Exception | Error failure) {
            unlockAfter(failure, lock);
            throw failure;
        } finally {
            ThreadLockContext.leave();
        }
        if (call.async() && result instanceof CompletionStage<?> stage) {
            return releaseWhenComplete(stage, lock, call);
        }
        release(lock, call);
        return result;
    }

    private Optional<Lock> acquire(LockedCall call, String key) {
        Locker locker = call.locker();
        return switch (call.contention()) {
            case SKIP -> call.async() ? nonReentrant(locker, key, call.options(), true) : locker.tryLock(key, call.options());
            case WAIT, FAIL -> call.async() ? nonReentrant(locker, key, call.options(), false)
                    : Optional.of(locker.lock(key, call.options()));
        };
    }

    /**
     * An async method's lock outlives the call, so the calling thread must not re-enter it on its
     * next call: take it through {@link Locker#lockAsync}, which never counts reentrancy.
     */
    private static Optional<Lock> nonReentrant(Locker locker, String key, LockOptions options, boolean absentIfBusy) {
        try {
            return Optional.of(locker.lockAsync(key, options).toCompletableFuture().join());
        } catch (CompletionException failure) {
            if (absentIfBusy && failure.getCause() instanceof LockNotAcquiredException) {
                return Optional.empty();
            }
            throw failure.getCause() instanceof RuntimeException runtime ? runtime : failure;
        }
    }

    private static CompletableFuture<Object> releaseWhenComplete(CompletionStage<?> stage, Lock lock, LockedCall call) {
        CompletableFuture<Object> released = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            try {
                if (failure != null) {
                    unlockAfter(failure, lock);
                    released.completeExceptionally(failure);
                } else {
                    release(lock, call);
                    released.complete(value);
                }
            } catch (RuntimeException lostOrUnreachable) {
                released.completeExceptionally(lostOrUnreachable);
            }
        });
        return released;
    }

    /** Unlocks after a normal end; a lease that ended meanwhile means the section was not exclusive. */
    private static void release(Lock lock, LockedCall call) {
        boolean heldThroughout = lock.isHeld();
        boolean stillOurs = lock.unlock();
        if (!heldThroughout || !stillOurs) {
            throw new LockLostException(lock.key(), lock.fencingToken(), "@Locked on '" + call.where() + "': the lock '"
                    + lock.key() + "' on locker '" + call.locker().name() + "' was lost while the method ran (its lease "
                    + "ended), so the method did not run exclusively", null);
        }
    }

    private static void unlockAfter(Throwable failure, Lock lock) {
        try {
            lock.unlock();
        } catch (RuntimeException unlockFailure) {
            failure.addSuppressed(unlockFailure);
        }
    }

    private LockedCall plan(Method method, Object target) {
        Locked locked = Optional.ofNullable(method.getAnnotation(Locked.class))
                .orElseGet(() -> target.getClass().getAnnotation(Locked.class));
        if (locked == null) {
            locked = method.getDeclaringClass().getAnnotation(Locked.class);
        }
        Locker locker = registry.resolve(locked.locker());
        LockOptions options = locker.defaultOptions();
        if (!locked.leaseTime().isEmpty()) {
            options = options.withLeaseTime(Durations.parse(locked.leaseTime(), "leaseTime"));
        }
        if (!locked.waitTime().isEmpty()) {
            options = options.withWaitTime(Durations.parse(locked.waitTime(), "waitTime"));
        }
        if (!locked.keepAlive()) {
            options = options.withKeepAlive(false);
        }
        if (locked.onContention() == Locked.Contention.FAIL
                || locked.onContention() == Locked.Contention.SKIP && options.waitTime().isEmpty()) {
            options = options.withWaitTime(Duration.ZERO).withRetry(0, Duration.ZERO);
        }
        String where = method.getDeclaringClass().getSimpleName() + "#" + method.getName();
        KeyTemplate template = locked.key().isEmpty() ? null : KeyTemplate.parse(locked.key());
        String fixedKey = method.getDeclaringClass().getName() + "." + method.getName();
        List<String> parameterNames = Arrays.stream(method.getParameters()).map(Parameter::getName).toList();
        return new LockedCall(where, locker, options, locked.onContention(), template, fixedKey, parameterNames,
                method.getReturnType());
    }

    /** Everything about one {@code @Locked} method that does not change between calls. */
    private record LockedCall(String where, Locker locker, LockOptions options, Locked.Contention contention,
            KeyTemplate template, String fixedKey, List<String> parameterNames, Class<?> returnType) {

        String key(Object[] arguments) {
            return template == null ? fixedKey : template.render(arguments, parameterNames);
        }

        boolean async() {
            return returnType == CompletionStage.class || returnType == CompletableFuture.class;
        }

        /** What a skipped call returns: nothing, in the return type's own way. */
        Object nothing() {
            if (returnType == Optional.class) {
                return Optional.empty();
            }
            return async() ? CompletableFuture.completedFuture(null) : ZEROES.get(returnType);
        }
    }
}
