package io.github.locker.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.HidingClassLoader;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerDriver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * jetcd-core is optional: an application without it still loads the etcd driver, and a locker
 * configured for etcd is reported with the dependency to add, not with a NoClassDefFoundError.
 */
class EtcdDriverWithoutJetcdTest {

    @Test
    void theDriverLoadsAndItsCheckNamesTheDependencyToAdd() throws Exception {
        ClassLoader application = new HidingClassLoader(getClass().getClassLoader(), "io.etcd.", "jetcd-core");
        Class<?> configType = application.loadClass(BackendConfig.class.getName());
        Object section = configType.getMethod("of", String.class, String.class, Map.class)
                .invoke(null, "etcd", "main", Map.of("endpoints", "http://127.0.0.1:2379"));

        List<?> drivers = (List<?>) application.loadClass(LockerDriver.class.getName())
                .getMethod("installed", ClassLoader.class).invoke(null, application);
        Object etcd = drivers.stream().filter(driver -> driver.getClass().getName().equals(EtcdDriver.class.getName()))
                .findFirst().orElseThrow();
        List<?> problems = (List<?>) etcd.getClass().getMethod("check", configType).invoke(etcd, section);

        assertThat(problems).map(Object::toString).containsExactly("Locker driver 'etcd' needs jetcd, which is not on the classpath: add the "
                + "dependency io.etcd:jetcd-core (0.8.5 on Quarkus 3.x / Vert.x 4.5; 0.8.6 elsewhere)");
        assertThat(new EtcdDriver().check(BackendConfig.of("etcd", "main", Map.of("endpoints", "http://127.0.0.1:2379"))))
                .as("with jetcd on the classpath the same section is fine").isEmpty();
    }
}
