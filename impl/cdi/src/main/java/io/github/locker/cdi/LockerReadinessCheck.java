package io.github.locker.cdi;

import io.github.locker.LockBackendException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The readiness check the extensions add where MicroProfile Health is present: {@code locker} is
 * UP when every configured backend section answers a ping, each section a data entry
 * ({@code redis.main: UP Redis at 127.0.0.1:6379}, or DOWN with the cause). It connects a section
 * that was not used yet. Addresses only, never credentials.
 */
@Readiness
public class LockerReadinessCheck implements HealthCheck {
    /** Each section gets this long to answer. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private final LockerRegistry registry;

    /** @param registry the application's lockers and their backends */
    @Inject
    public LockerReadinessCheck(LockerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Object> sections = new TreeMap<>();
        registry.sections().forEach((section, locker) -> {
            try {
                var backend = registry.backend(locker);
                backend.ping(PING_TIMEOUT);
                sections.put(section, "UP " + backend.describe());
            } catch (LockBackendException down) {
                sections.put(section, "DOWN " + down.getMessage());
            }
        });
        boolean up = sections.values().stream().allMatch(state -> state.toString().startsWith("UP"));
        // the constructor, not the builder: the builder needs the runtime's provider, which a plain Weld SE lacks
        return new HealthCheckResponse("locker", up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(sections));
    }
}
