package io.github.locker.tck.cdi;

import io.github.locker.Lock;
import io.github.locker.LockContext;
import io.github.locker.LockLost;
import io.github.locker.LockMode;
import io.github.locker.Locked;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Optional;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@code @Locked} beans the interceptor tests call, and a stand-in for {@code @Transactional}. */
public final class GuardedBeans {
    private GuardedBeans() {
    }

    @ApplicationScoped
    public static class Guarded {
        @Inject
        LockContext context;
        @Inject
        Nested nested;

        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicInteger mostInsideAtOnce = new AtomicInteger();

        /** @return the most callers seen inside {@link #section} at once since the last call of this method */
        public int takeMostInsideAtOnce() {
            return mostInsideAtOnce.getAndSet(0);
        }

        @Locked(key = "section:{name}")
        public void section(String name, long holdMillis) throws InterruptedException {
            mostInsideAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                TimeUnit.MILLISECONDS.sleep(holdMillis);
            } finally {
                inside.decrementAndGet();
            }
        }

        @Locked(key = "skip:{name}", onContention = Locked.Contention.SKIP)
        public Optional<String> skipWhenBusy(String name) {
            return Optional.of("ran");
        }

        /** A read: any number at once, none beside a write of the same report. */
        @Locked(key = "report:{name}", mode = LockMode.SHARED, waitTime = "20s")
        public long readReport(String name, long holdMillis) throws InterruptedException {
            return inside(holdMillis);
        }

        /** At most two calls at once on every node: the provider's limit. */
        @Locked(key = "provider:{name}", permits = 2, waitTime = "20s")
        public long callProvider(String name, long holdMillis) throws InterruptedException {
            return inside(holdMillis);
        }

        /** Counts the callers inside for {@code holdMillis}, and answers the running hold's token. */
        private long inside(long holdMillis) throws InterruptedException {
            mostInsideAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                TimeUnit.MILLISECONDS.sleep(holdMillis);
                return context.current().orElseThrow().fencingToken();
            } finally {
                inside.decrementAndGet();
            }
        }

        @Locked(key = "skip:{name}", onContention = Locked.Contention.SKIP)
        public int countWhenFree(String name) {
            return 1;
        }

        /** A transfer: both accounts or neither, whatever order two calls name them in. */
        @Locked(key = {"account:{from}", "account:{to}"}, waitTime = "20s")
        public List<Long> transfer(String from, String to) throws InterruptedException {
            mostInsideAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                TimeUnit.MILLISECONDS.sleep(2);
                return context.currentLocks().stream().map(Lock::fencingToken).toList();
            } finally {
                inside.decrementAndGet();
            }
        }

        /** A scheduled tick: whoever gets the lock runs it, and it stays taken for 3 s however fast it ran. */
        @Locked(key = "tick:{name}", waitTime = "0s", onContention = Locked.Contention.SKIP, leaseTime = "10s",
                holdAtLeast = "3s")
        public boolean tick(String name) {
            return true;
        }

        @Locked(key = "fail:{name}", onContention = Locked.Contention.FAIL)
        public String failWhenBusy(String name) {
            return "ran";
        }

        @Locked(key = "wait:{name}", waitTime = "300ms")
        public String waitBriefly(String name) {
            return "ran";
        }

        @Locked(key = "boom:{name}")
        public void boom(String name) {
            throw new IllegalStateException("business failure in " + name);
        }

        @Locked(key = "async:{name}")
        public CompletableFuture<Long> async(String name, CompletableFuture<Void> started, CompletableFuture<Void> finish) {
            long token = context.current().orElseThrow().fencingToken();
            started.complete(null);
            return finish.thenApplyAsync(done -> token);
        }

        @Locked(key = "uni:{name}")
        public Uni<Long> uni(String name, CompletableFuture<Void> started, CompletableFuture<Void> finish) {
            long token = context.current().orElseThrow().fencingToken();
            started.complete(null);
            return Uni.createFrom().completionStage(finish).map(done -> token);
        }

        @Locked(key = "multi:{name}")
        public Multi<Long> multi(String name, CompletableFuture<Void> started, CompletableFuture<Void> finish) {
            long token = context.current().orElseThrow().fencingToken();
            started.complete(null);
            return Multi.createFrom().completionStage(finish.thenApply(done -> token));
        }

        @Locked(key = "user:{user.id}:{1}")
        public long token(Beans.User user, String day) {
            return context.current().orElseThrow().fencingToken();
        }

        @Locked(key = "nested:{name}", waitTime = "0s")
        public long outer(String name) {
            return nested.inner(name);
        }

        @Locked(key = "tx:{name}")
        @StandInTransactional
        public void transactional(String name, List<String> journal) {
            journal.add("business method");
        }

        @Locked(key = "lost:{name}")
        public void outliveTheLease(String name, Runnable whileHeld) {
            whileHeld.run();
        }
    }

    @ApplicationScoped
    public static class Nested {
        @Inject
        LockContext context;

        @Locked(key = "nested:{name}", waitTime = "0s")
        public long inner(String name) {
            return context.current().orElseThrow().fencingToken();
        }
    }

    @ApplicationScoped
    public static class LossWitness {
        private final List<LockLost> seen = new CopyOnWriteArrayList<>();

        void record(@Observes LockLost lost) {
            synchronized (seen) {
                seen.add(lost);
                seen.notifyAll();
            }
        }

        public List<LockLost> seen() {
            return seen;
        }

        /**
         * @param key the lock's key: other tests of the deployment lose locks of their own
         * @param millis how long to wait
         * @return whether a loss of that key was seen in time
         */
        public boolean awaitLossOf(String key, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            synchronized (seen) {
                while (seen.stream().noneMatch(lost -> lost.key().equals(key))) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return false;
                    }
                    seen.wait(left);
                }
                return true;
            }
        }
    }

    /** A binding for the stand-in transaction interceptor. */
    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    public @interface StandInTransactional {
    }

    /** Sits where Jakarta Transactions' interceptor sits, and notes whether the lock is held when the transaction begins and commits. */
    @StandInTransactional
    @Interceptor
    @Priority(Interceptor.Priority.PLATFORM_BEFORE + 200)
    public static class StandInTransactionInterceptor {
        @Inject
        LockContext context;

        @AroundInvoke
        @SuppressWarnings("unchecked")
        Object inTransaction(InvocationContext invocation) throws Exception {
            List<String> journal = (List<String>) invocation.getParameters()[1];
            journal.add("begin, lock held: " + context.current().map(lock -> lock.isHeld()).orElse(false));
            Object result = invocation.proceed();
            journal.add("commit, lock held: " + context.current().map(lock -> lock.isHeld()).orElse(false));
            return result;
        }
    }
}
