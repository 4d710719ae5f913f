package io.github.locker.tck;

import java.time.Duration;
import java.util.Map;

/**
 * The in-memory driver ({@code locker-testing}) under the TCK: no server, so it runs the contracts
 * that inject no fault ({@link SingleJvmLockerContract}, {@link AsyncLockerContract}).
 */
public final class MemoryTckBackend implements TckBackend {

    @Override
    public String driver() {
        return "memory";
    }

    @Override
    public Map<String, String> section() {
        return Map.of();
    }

    @Override
    public Duration shortLease() {
        return Duration.ofMillis(300);
    }
}
