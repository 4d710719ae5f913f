package io.github.locker.tck.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.cdi.LockerExtension;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.servers.RedisServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CDI way to run a leader task: a bean starts the loop on an injected locker when the
 * application starts, and nothing more. When the container shuts down, the library closes the
 * locker's backend, which stops the loop and releases its lock first, so another node takes over
 * at once instead of after the lease.
 */
class LeaderLoopOnWeldTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    static final String KEY = "settle:" + UUID.randomUUID();

    private final ClassLoader original = Thread.currentThread().getContextClassLoader();

    /** The application's leader task, started with the application. */
    @ApplicationScoped
    static class Settlement {
        static volatile LeaderLoop loop;
        static final AtomicInteger RUNS = new AtomicInteger();

        @Inject
        Locker locker;

        void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
            loop = locker.runLoop(KEY, Duration.ofMillis(20), lock -> RUNS.incrementAndGet());
        }
    }

    @BeforeEach
    void configureThroughSystemProperties() {
        System.setProperty("locker.jobs.driver", "redis");
        System.setProperty("redis.jobs.uri", REDIS.uri());
        // a class loader of its own, so MicroProfile Config is read afresh with these properties
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
    }

    @AfterEach
    void forgetConfiguration() {
        Thread.currentThread().setContextClassLoader(original);
        System.clearProperty("locker.jobs.driver");
        System.clearProperty("redis.jobs.uri");
    }

    @Test
    void containerShutdownStopsTheLoopAndReleasesItsLock() {
        WeldContainer container = new Weld().disableDiscovery().addExtension(new LockerExtension())
                .addBeanClass(Settlement.class).initialize();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Settlement.RUNS.get() >= 3);
            assertThat(Settlement.loop.isLeader()).isTrue();
        } finally {
            container.shutdown();
        }

        assertThat(Settlement.loop.isStopped()).as("the loop ended when the container shut down").isTrue();
        try (LockerBackend otherNode = LockerDriver.find("redis").orElseThrow()
                .connect(BackendConfig.of("redis", "other", Map.of("uri", REDIS.uri())))) {
            Optional<Lock> taken = otherNode.locker("jobs", LockOptions.defaults(), "locker:").tryLock(KEY);
            assertThat(taken).as("the lock is free at once, not after its 60 s lease").isPresent();
            taken.get().unlock();
        }
    }
}
