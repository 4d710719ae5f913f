package io.github.locker.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.HidingClassLoader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** Micrometer is optional: without it a locker reports nothing and needs none of its classes. */
class MetricsWithoutMicrometerTest {

    @Test
    void withoutMicrometerALockerReportsNothing() throws Exception {
        ClassLoader application = new HidingClassLoader(getClass().getClassLoader(), "io.micrometer.", "Micrometer");
        Class<?> metrics = application.loadClass(LockerMetrics.class.getName());
        Method forLocker = metrics.getDeclaredMethod("forLocker", String.class);
        forLocker.setAccessible(true);

        Field noneField = metrics.getField("NONE");
        noneField.setAccessible(true);
        Object none = noneField.get(null);
        assertThat(forLocker.invoke(null, "main")).isSameAs(none);
        assertThat(LockerMetrics.forLocker("main")).as("with Micrometer on the class path")
                .isInstanceOf(MicrometerLockerMetrics.class);
    }
}
