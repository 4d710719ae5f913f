package io.github.locker.testing;

import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.util.List;

/**
 * The {@code memory} driver, for unit tests of application code: {@code locker.<name>.driver=memory}
 * gives a locker whose locks live in this JVM only. It is never chosen by default, and it logs a
 * WARNING when a backend connects.
 *
 * <p><b>One JVM only.</b> Lockers on the same section ({@code memory.<id>}) share their locks, as
 * nodes on one Redis would, whether they belong to one CDI container or to several in the same
 * JVM; another process sees none of them. Leases, keep-alive, fencing tokens, waits and loss events
 * behave as on a server, so code written against it runs unchanged on {@code redis} or
 * {@code etcd}. The section takes no property. {@link MemoryLocks} lets a test look at the locks
 * and forget them between tests.
 */
public final class MemoryDriver implements LockerDriver {
    /** The driver's name, in {@code locker.<name>.driver=memory}. */
    public static final String NAME = "memory";

    /** Made by {@link java.util.ServiceLoader}. */
    public MemoryDriver() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> check(BackendConfig config) {
        return config.properties().keySet().stream()
                .map(property -> "'" + config.section() + "." + property + "' is not a setting of the memory driver, "
                        + "which takes none: remove it")
                .toList();
    }

    @Override
    public LockerBackend connect(BackendConfig config) {
        SettingNames.requireNone(check(config));
        return new MemoryBackend(config.id(), MemoryStore.named(config.id()));
    }
}
