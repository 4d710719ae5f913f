package io.github.locker.cdi;

import io.github.locker.Lock;
import io.github.locker.LockContext;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The {@link LockContext} bean: the locks of the {@code @Locked} methods running on each thread, innermost on top. */
@Singleton
public class ThreadLockContext implements LockContext {
    private static final ThreadLocal<Deque<Lock>> RUNNING = ThreadLocal.withInitial(ArrayDeque::new);

    @Override
    public Optional<Lock> current() {
        return currentLocks().stream().findFirst();
    }

    @Override
    public List<Lock> currentLocks() {
        Lock innermost = RUNNING.get().peek();
        if (innermost == null) {
            return List.of();
        }
        return innermost instanceof HeldKeys several ? several.locks() : List.of(innermost);
    }

    static void enter(Lock lock) {
        RUNNING.get().push(lock);
    }

    static void leave() {
        Deque<Lock> running = RUNNING.get();
        running.pop();
        if (running.isEmpty()) {
            RUNNING.remove();
        }
    }
}
