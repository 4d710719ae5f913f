package io.github.locker.cdi;

import io.github.locker.LockOptions;
import io.github.locker.spi.BackendConfig;

/**
 * One configured locker: {@code locker.<name>.*} and the backend section it points at.
 *
 * @param name the locker's name
 * @param driver the driver name ({@code locker.<name>.driver})
 * @param backend the backend section ({@code <driver>.<instance>.*}); possibly empty, which the driver's check reports
 * @param defaults the options of calls that give none, from {@code lease-time}, {@code wait-time}, {@code keep-alive}, {@code retry-*}
 * @param keyPrefix prepended to every key ({@code key-prefix}, default {@value LockerConfiguration#DEFAULT_KEY_PREFIX})
 * @param connectAtStartup whether the container connects the locker while it starts and fails to start when its
 *     backend cannot be reached ({@code connect-at-startup}, default false: connected on first use)
 */
record LockerDefinition(String name, String driver, BackendConfig backend, LockOptions defaults, String keyPrefix,
        boolean connectAtStartup) {
}
