package io.github.locker;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every business method of the annotated class) under a distributed
 * lock: the method is invoked only once the lock is held, and the lock is released however the
 * method ends. Every member is {@link Nonbinding}; references are checked when the application
 * deploys, so a wrong locker name or key template stops the deployment instead of failing a call.
 *
 * <p>When the lock is not acquired the method is not called: depending on {@link #onContention()},
 * {@link LockTimeoutException} / {@link LockNotAcquiredException} propagates, or the call is
 * skipped. When the lease is lost while the method runs, {@link LockLostException} is thrown after
 * it returns.
 *
 * <p><b>Asynchronous results.</b> A method returning a {@link java.util.concurrent.CompletionStage}
 * never blocks its caller: the call returns a stage at once, the method runs once the lock is held,
 * and the lock is released, without blocking, when the method's stage completes. A method returning
 * Mutiny's {@code Uni} or {@code Multi} takes the lock when the result is subscribed and releases it
 * when the result terminates (item, completion, failure or cancellation); a subscription cancelled
 * while it waits never runs the method. These bodies run on the caller's Vert.x context when there
 * is one (Quarkus), else on the locker's own thread; their acquisitions are not reentrant. Other
 * results that work only when subscribed (a {@code Publisher}, Reactor, RxJava) are refused at
 * deployment: their work would run after the lock was released.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Locked {

    /**
     * The key template: literal text with placeholders {@code {name}} (a parameter by name; needs
     * {@code -parameters}), {@code {0}} (by position) and {@code {user.id}} (getters on a
     * parameter). Empty: the declaring class and method name.
     *
     * <p>Several templates ({@code key = {"account:{from}", "account:{to}"}}) take every key or
     * none, in one global order so that overlapping calls never deadlock ({@link Locker#lockAll});
     * each key keeps its own fencing token ({@link LockContext#currentLocks()}). Their acquisition
     * is not reentrant.
     *
     * @return the key templates
     */
    @Nonbinding
    String[] key() default {};

    /**
     * The configured locker to use ({@code locker.<name>.*}). Empty: the default locker.
     *
     * @return the locker name
     */
    @Nonbinding
    String locker() default "";

    /**
     * How long to wait for a held lock: {@code "3s"}, {@code "500ms"}, {@code "PT3S"}; {@code "0s"}
     * for one attempt. Empty: the locker's configured wait time (default: forever).
     *
     * @return the wait time
     */
    @Nonbinding
    String waitTime() default "";

    /**
     * The lease time, in the same forms as {@link #waitTime()}. Empty: the locker's configured
     * lease time (default 60 s).
     *
     * @return the lease time
     */
    @Nonbinding
    String leaseTime() default "";

    /**
     * Whether the lease is renewed while the method runs. False: the lock expires after one lease.
     *
     * @return whether to keep the lease alive
     */
    @Nonbinding
    boolean keepAlive() default true;

    /**
     * How long after its acquisition the lock stays held at least, in the same forms as
     * {@link #waitTime()}: a method that returns sooner leaves the lock to expire at that time, so
     * another node whose timer fires a little later skips instead of running the same tick again
     * (ShedLock's {@code lockAtLeastFor}). Not longer than the lease time. Empty: off.
     *
     * @return the least time the lock is held
     */
    @Nonbinding
    String holdAtLeast() default "";

    /**
     * Exclusive (the default) or shared: shared calls on the same key run at once on every node,
     * while none runs beside an exclusive one; an exclusive call that waits stops new shared ones
     * (a read-write lock, see {@link LockMode}). For a semaphore give {@link #permits()} instead.
     *
     * @return the mode of the lock
     */
    @Nonbinding
    LockMode mode() default LockMode.EXCLUSIVE;

    /**
     * At most this many calls hold the key's semaphore at once across all nodes ("at most 5 nodes
     * call the payment provider at once"): each call takes one permit, with its own lease and
     * fencing token, and gives it back when it returns. Every {@code @Locked} (and
     * {@link LockOptions#withPermits}) on the same key must give the same number. 0 (the default):
     * a lock, not a semaphore.
     *
     * @return the number of permits, or 0
     */
    @Nonbinding
    int permits() default 0;

    /**
     * What to do when another owner holds the lock.
     *
     * @return the contention policy
     */
    @Nonbinding
    Contention onContention() default Contention.WAIT;

    /** What a {@link Locked} method does when another owner holds its lock. */
    enum Contention {
        /** Wait up to the wait time, then throw {@link LockTimeoutException}. */
        WAIT,
        /** Do not call the method: return null, an empty {@code Optional}, or nothing. */
        SKIP,
        /** Make one attempt, then throw {@link LockNotAcquiredException}. */
        FAIL
    }
}
