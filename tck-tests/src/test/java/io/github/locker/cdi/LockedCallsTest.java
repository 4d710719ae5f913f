package io.github.locker.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Locked;
import jakarta.enterprise.context.Dependent;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plan of a {@code @Locked} method's calls belongs to the application (the registry), not to
 * an interceptor instance: the container makes one of those per bean instance.
 */
class LockedCallsTest {
    private final ClassLoader original = Thread.currentThread().getContextClassLoader();

    @Dependent
    static class PerInstance {
        @Locked(key = "plan:{0}")
        public String work(String id) {
            return id;
        }
    }

    @BeforeEach
    void configureAMemoryLocker() {
        System.setProperty("locker.main.driver", "memory");
        // a class loader of its own, so MicroProfile Config is read afresh with this property
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
    }

    @AfterEach
    void forgetConfiguration() {
        Thread.currentThread().setContextClassLoader(original);
        System.clearProperty("locker.main.driver");
    }

    @Test
    void twoInstancesOfADependentBeanShareOnePlanOfTheirLockedMethod() throws Exception {
        WeldContainer container = new Weld().disableDiscovery().addExtension(new LockerExtension())
                .addBeanClass(PerInstance.class).initialize();
        try {
            PerInstance first = container.select(PerInstance.class).get();
            PerInstance second = container.select(PerInstance.class).get();
            assertThat(first).as("two bean instances, so two interceptor instances").isNotSameAs(second);
            assertThat(first.work("a")).isEqualTo("a");
            assertThat(second.work("b")).isEqualTo("b");

            LockerRegistry registry = container.select(LockerRegistry.class).get();
            Method work = PerInstance.class.getMethod("work", String.class);
            LockedCall plan = registry.call(first.getClass(), work);
            assertThat(registry.call(second.getClass(), work)).as("the plan both instances' calls use").isSameAs(plan);
            assertThat(plan.keys(new Object[] {"c"})).containsExactly("plan:c");
        } finally {
            container.shutdown();
        }
    }
}
