package io.github.locker.core;

import io.github.locker.LockBackendException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Waiting for a backend's reply with a bound, and saying what failed in the one message shape every driver uses. */
public final class BackendReplies {
    private BackendReplies() {
    }

    /**
     * @param reply the pending reply
     * @param timeout how long to wait for it
     * @param backend the backend's description, e.g. {@code Redis at 127.0.0.1:6379}
     * @param key the lock key concerned, or null
     * @param doing what was being done, e.g. {@code acquiring}
     * @param <T> the reply type
     * @return the reply
     * @throws LockBackendException when the backend failed or did not answer in time
     * @throws InterruptedException when the caller was interrupted
     */
    private static <T> T await(CompletableFuture<T> reply, Duration timeout, String backend, String key, String doing)
            throws InterruptedException {
        try {
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException silent) {
            reply.cancel(false);
            throw failure(silent, timeout, backend, key, doing);
        } catch (ExecutionException failed) {
            throw failure(failed, timeout, backend, key, doing);
        }
    }

    /**
     * The reply as a stage that fails with {@link LockBackendException} (in the message shape of
     * {@link #await}) when the backend fails or does not answer within {@code timeout}. Nothing waits
     * for it; a stage the caller cancels cancels the reply.
     *
     * @param reply the pending reply
     * @param timeout how long it may take; null when the client itself bounds it
     * @param backend the backend's description
     * @param key the lock key concerned, or null
     * @param doing what is being done, e.g. {@code acquiring}
     * @param <T> the reply type
     * @return the reply, or its failure explained
     */
    public static <T> CompletableFuture<T> explained(CompletableFuture<T> reply, Duration timeout, String backend, String key,
            String doing) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        (timeout == null ? reply : reply.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)).whenComplete((value, failed) -> {
            if (failed == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(failure(failed, timeout, backend, key, doing));
            }
        });
        answer.whenComplete((value, failed) -> {
            if (answer.isCancelled()) {
                reply.cancel(false);
            }
        });
        return answer;
    }

    /**
     * @return the failure of a backend request told in the one shape every driver uses; a
     *     {@link LockBackendException} already is one
     */
    private static LockBackendException failure(Throwable failed, Duration timeout, String backend, String key, String doing) {
        Throwable cause = unwrap(failed);
        if (cause instanceof LockBackendException told) {
            return told;
        }
        String what = doing + (key == null ? "" : " '" + key + "'");
        if (cause instanceof TimeoutException) {
            return new LockBackendException(key, backend + " did not answer within " + timeout + " while " + what, cause);
        }
        return new LockBackendException(key, backend + " failed while " + what + ": " + cause.getMessage(), cause);
    }

    /**
     * Waits for the answer to a health probe, which callers make from threads that do not expect
     * {@link InterruptedException}: an interrupt is kept on the thread and told as a failure.
     *
     * @param reply the pending answer
     * @param timeout how long to wait for it
     * @param backend the backend's description
     * @throws LockBackendException when the backend failed, did not answer in time, or the caller was interrupted
     */
    public static void awaitPing(CompletableFuture<?> reply, Duration timeout, String backend) {
        try {
            await(reply, timeout, backend, null, "pinging");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new LockBackendException(null, backend + " was not asked: interrupted", interrupted);
        }
    }

    /**
     * @param failure a failure as a future reports it
     * @return the failure under the {@link CompletionException} / {@link ExecutionException} wrappers
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * @param name the threads' name prefix
     * @return a factory of daemon threads, so a backend never keeps the JVM alive
     */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
