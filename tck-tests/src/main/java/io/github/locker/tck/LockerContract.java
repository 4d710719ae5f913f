package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockLostException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.github.locker.tck.servers.ServerProcess;

/**
 * What every driver must do on a real server: the {@linkplain SingleJvmLockerContract single-JVM
 * contract}, and the server killed, paused and restarted under it. A driver's test extends this
 * class and says how to connect a node and which server process to stop, pause and restart.
 */
public abstract class LockerContract extends SingleJvmLockerContract {

    private ServerProcess server() {
        return backend().server();
    }

    @AfterEach
    void serverRunning() {
        if (!server().isRunning()) {
            server().start();
        }
    }

    @Test
    void backendDownForTheWholeWaitEndsInBackendExceptionWhenTheWaitEnds() throws Exception {
        Locker holder = newLocker();
        Locker waiter = newLocker();
        holder.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30)));
        Duration waitTime = Duration.ofSeconds(3);
        long startedAt = System.nanoTime();
        CompletableFuture<Lock> attempt = waiter.lockAsync(key, LockOptions.defaults().withWaitTime(waitTime))
                .toCompletableFuture();
        Thread.sleep(300); // let the waiter wait
        server().kill();

        assertThatThrownBy(() -> attempt.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(LockBackendException.class)
                .cause().hasMessageContaining("127.0.0.1:" + server().port())
                .hasMessageContaining("kept failing until the wait time of " + waitTime + " ended")
                .cause().as("the last failure").isInstanceOf(LockBackendException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).as("waited through the outage until the wait ended")
                .isGreaterThanOrEqualTo(waitTime);
        assertThatThrownBy(() -> waiter.tryLock(key)).as("a single attempt fails at once")
                .isInstanceOf(LockBackendException.class);
    }


    @Test
    void aBackendRestartInsideTheWaitTimeIsWaitedThrough() throws Exception {
        Locker holder = newLocker();
        Locker waiter = newLocker();
        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(3)));
        CompletableFuture<Lock> waiting = waiter.lockAsync(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(25)))
                .toCompletableFuture();
        Thread.sleep(300);

        server().restart();
        try {
            held.unlock();
        } catch (LockBackendException stillReconnecting) {
            // then it ends with its 3 s lease
        }

        Lock lock = waiting.get(40, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        assertThat(lock.unlock()).isTrue();
    }


    @Test
    void serviceResumesAfterTheBackendRestarts() throws Exception {
        Locker locker = newLocker();
        locker.run(key, () -> { });
        server().restart();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Optional<Lock> lock = Optional.empty();
        while (lock.isEmpty()) {
            try {
                lock = locker.tryLock(key);
            } catch (LockBackendException stillReconnecting) {
                assertThat(System.nanoTime()).as("reconnected within 20 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(lock.get().unlock()).isTrue();
    }


    @Test
    void leaseLostWhileTheBackendIsPausedIsReported() {
        Locker locker = newLocker();
        Duration lease = shortLease();

        assertThatThrownBy(() -> locker.run(key, LockOptions.defaults().withLeaseTime(lease), () -> {
            server().pause();
            try {
                Thread.sleep(lease.multipliedBy(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server().resume();
            }
        })).isInstanceOf(LockLostException.class).hasMessageContaining(key);
    }
}
