package io.github.locker.etcd;

import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.util.List;

/**
 * The {@code etcd} driver, on jetcd-core. A section {@code etcd.<id>.*} takes:
 * <ul>
 *   <li>{@code endpoints}: {@code http://127.0.0.1:2379}, several comma-separated for a cluster
 *       ({@code https://} for TLS);</li>
 *   <li>{@code username}, {@code password}: etcd authentication; never logged;</li>
 *   <li>{@code tls.ca-file}, {@code tls.cert-file}, {@code tls.key-file}: PEM files for TLS and
 *       client certificates;</li>
 *   <li>{@code timeout}: how long one request may take (default 5s).</li>
 * </ul>
 * It ships in {@code io.github.locker:locker-etcd}, which brings jetcd-core.
 */
public final class EtcdDriver implements LockerDriver {
    /** The driver's name, in {@code locker.<name>.driver=etcd}. */
    public static final String NAME = "etcd";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> check(BackendConfig config) {
        return EtcdSettings.problems(config);
    }

    @Override
    public List<String> checkKeyPrefix(String keyPrefix) {
        String namespace = keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
        return namespace.contains("/")
                ? List.of("may end with '/' but not contain one (was '" + keyPrefix + "'): inside, one prefix's keys "
                        + "would nest under another's; use ':' or '-' to separate its parts")
                : List.of();
    }

    @Override
    public LockerBackend connect(BackendConfig config) {
        SettingNames.requireNone(check(config));
        return new EtcdBackend(EtcdSettings.parse(config));
    }
}
