package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.cdi.LockerExtension;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With MicroProfile Health on the class path, the extension adds a readiness check: UP while every
 * backend section answers, DOWN naming the section and its address while one does not, UP again
 * once it is back, without a restart.
 */
class ReadinessCheckTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Test
    void readinessFollowsEveryBackendSection() throws Exception {
        Map<String, String> configuration = Map.of("locker.orders.driver", "redis", "locker.orders.instance", "main",
                "redis.main.uri", REDIS.uri(), "redis.main.timeout", "1s",
                "locker.jobs.driver", "etcd", "etcd.jobs.endpoints", ETCD.endpoints(), "etcd.jobs.timeout", "1s");
        configuration.forEach(System::setProperty);
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new LockerExtension())
                .addBeanClass(GuardedBeans.LossWitness.class).initialize()) {
            HealthCheck readiness = container.select(HealthCheck.class, Readiness.Literal.INSTANCE).get();

            HealthCheckResponse up = readiness.call();
            assertThat(up.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(up.getData().orElseThrow()).containsEntry("redis.main", "UP Redis at 127.0.0.1:" + REDIS.process().port())
                    .containsKey("etcd.jobs");

            REDIS.process().kill();
            HealthCheckResponse down = readiness.call();
            assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(down.getData().orElseThrow().get("redis.main").toString())
                    .startsWith("DOWN").contains("127.0.0.1:" + REDIS.process().port());
            assertThat(down.getData().orElseThrow().get("etcd.jobs").toString()).startsWith("UP");

            REDIS.process().start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (readiness.call().getStatus() != HealthCheckResponse.Status.UP) {
                assertThat(System.nanoTime()).as("UP again within 15 s of Redis coming back").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(original);
            configuration.keySet().forEach(System::clearProperty);
        }
    }
}
