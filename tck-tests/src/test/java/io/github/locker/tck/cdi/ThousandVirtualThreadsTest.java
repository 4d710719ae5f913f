package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.cdi.LockerExtension;
import io.github.locker.tck.servers.RedisServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code @Locked} method called from 1,000 virtual threads at once: nothing in the library
 * holds a carrier thread while it waits, so they all get through, one at a time. The library is
 * built for Java 17, which has no virtual threads: the build runs this class again on a Java 21+
 * JDK when one is installed (the {@code virtual-threads} execution); on Java 17 it reports itself
 * skipped, with the reason.
 */
class ThousandVirtualThreadsTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThousandVirtualThreadsTakeTheLockOneAtATime() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21,
                "virtual threads need Java 21+: run again by the 'virtual-threads' execution on such a JDK");
        Map<String, String> configuration = Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS.uri());
        configuration.forEach(System::setProperty);
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
        // compiled for Java 17, which has no such method
        ExecutorService virtualThreads = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try (WeldContainer container = new Weld().disableDiscovery().addExtension(new LockerExtension())
                .addBeanClasses(GuardedBeans.Guarded.class, GuardedBeans.Nested.class).initialize()) {
            GuardedBeans.Guarded guarded = container.select(GuardedBeans.Guarded.class).get();
            String name = UUID.randomUUID().toString();
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                calls.add(virtualThreads.submit(() -> {
                    guarded.section(name, 0);
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(100, TimeUnit.SECONDS);
            }
            assertThat(guarded.takeMostInsideAtOnce()).as("virtual threads inside at once").isEqualTo(1);
        } finally {
            virtualThreads.shutdownNow();
            Thread.currentThread().setContextClassLoader(original);
            configuration.keySet().forEach(System::clearProperty);
        }
    }
}
