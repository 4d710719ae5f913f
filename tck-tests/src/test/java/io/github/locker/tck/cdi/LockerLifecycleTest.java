package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.Locker;
import io.github.locker.cdi.LockerExtension;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lockers' resources follow the container's life on Weld SE: two lockers on one backend
 * section share one connection, and after shutdown no connection stays open and no thread of
 * ours, Lettuce's, Netty's, Vert.x's or gRPC's keeps running.
 */
class LockerLifecycleTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    private static final String[] OUR_THREADS = {"locker-", "lettuce-", "vert.x-", "grpc-", "nioEventLoop", "epollEventLoop"};

    private final ClassLoader original = Thread.currentThread().getContextClassLoader();

    @ApplicationScoped
    static class ThreeLockers {
        @Inject
        @Named("orders")
        Locker orders;
        @Inject
        @Named("reports")
        Locker reports;
        @Inject
        @Named("leader")
        Locker leader;

        public void useAll(String key) {
            for (Locker locker : new Locker[] {orders, reports, leader}) {
                try (Lock lock = locker.lock(key + ":" + locker.name())) {
                    assertThat(lock.isHeld()).isTrue();
                }
            }
        }
    }

    @BeforeEach
    void configureThroughSystemProperties() {
        System.setProperty("locker.orders.driver", "redis");
        System.setProperty("locker.orders.instance", "main");
        System.setProperty("locker.reports.driver", "redis");
        System.setProperty("locker.reports.instance", "main");
        System.setProperty("redis.main.uri", REDIS.uri());
        System.setProperty("locker.leader.driver", "etcd");
        System.setProperty("etcd.leader.endpoints", ETCD.endpoints());
        // a class loader of its own, so MicroProfile Config is read afresh with these properties
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
    }

    @AfterEach
    void forgetConfiguration() {
        Thread.currentThread().setContextClassLoader(original);
        for (String property : new String[] {"locker.orders.driver", "locker.orders.instance", "locker.reports.driver",
                "locker.reports.instance", "redis.main.uri", "locker.leader.driver", "etcd.leader.endpoints"}) {
            System.clearProperty(property);
        }
    }

    @Test
    void lockersOnOneSectionShareAConnectionAndShutdownLeavesNothingRunning() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int clientsBefore = redisClients();
        WeldContainer container = new Weld().disableDiscovery().addExtension(new LockerExtension()).addBeanClass(ThreeLockers.class).initialize();
        try {
            container.select(ThreeLockers.class).get().useAll("lifecycle:" + UUID.randomUUID());
            assertThat(redisClients() - clientsBefore)
                    .as("orders and reports share redis.main: one command and one pub/sub connection").isEqualTo(2);
        } finally {
            container.shutdown();
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> left;
        do {
            Thread.sleep(50);
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .filter(thread -> !before.contains(thread)).map(Thread::getName)
                    .filter(name -> java.util.Arrays.stream(OUR_THREADS).anyMatch(name::startsWith))
                    .collect(Collectors.toSet());
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left).as("threads still running 10 s after shutdown").isEmpty();
        assertThat(redisClients()).as("Redis connections after shutdown").isEqualTo(clientsBefore);
    }

    /** @return Redis's count of connected clients, not counting the asking redis-cli itself */
    private static int redisClients() throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(REDIS.process().port()), "info", "clients")
                .redirectErrorStream(true).start();
        String info = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor(10, TimeUnit.SECONDS);
        return info.lines().filter(line -> line.startsWith("connected_clients:"))
                .mapToInt(line -> Integer.parseInt(line.substring("connected_clients:".length()).trim()))
                .findFirst().orElseThrow(() -> new IllegalStateException("redis-cli info clients said: " + info)) - 1;
    }
}
