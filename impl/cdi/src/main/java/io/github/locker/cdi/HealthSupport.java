package io.github.locker.cdi;

import java.util.Optional;

/** Whether MicroProfile Health is on the class path: the readiness check is added only then, and nothing fails without it. */
final class HealthSupport {
    private HealthSupport() {
    }

    /** @return the readiness check's class when MicroProfile Health is present */
    static Optional<Class<?>> readinessCheck() {
        try {
            Class.forName("org.eclipse.microprofile.health.HealthCheck", false, HealthSupport.class.getClassLoader());
            // named, not referenced: without the Health API the class could not even be loaded
            return Optional.of(Class.forName("io.github.locker.cdi.LockerReadinessCheck", false,
                    HealthSupport.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError absent) {
            return Optional.empty();
        }
    }
}
