package io.github.locker.cdi;

import io.github.locker.LockOptions;
import io.github.locker.core.Durations;
import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.Set;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * The lockers MicroProfile Config describes, read through the plain Config API (names and optional
 * values) so it works on every Config implementation, Payara's included:
 * <pre>
 * locker.&lt;name&gt;.driver=redis            # required: which driver
 * locker.&lt;name&gt;.instance=&lt;id&gt;            # the backend section redis.&lt;id&gt;.*; default: &lt;name&gt;
 * locker.&lt;name&gt;.lease-time=60s           # defaults of this locker's calls
 * locker.&lt;name&gt;.wait-time=3s
 * locker.&lt;name&gt;.keep-alive=true
 * locker.&lt;name&gt;.retry-count=0 / retry-interval=100ms
 * locker.&lt;name&gt;.key-prefix=locker:
 * locker.&lt;name&gt;.connect-at-startup=false  # true: connect while the container starts, fail it when unreachable
 * </pre>
 * Immutable; every problem found while reading is kept, named by property, for the deployment to report.
 */
final class LockerConfiguration {
    static final String DEFAULT_KEY_PREFIX = "locker:";
    static final String DEFAULT_LOCKER = "default";
    private static final String PREFIX = "locker.";
    private static final String DRIVER_SUFFIX = ".driver";
    /** The names under {@code locker.<name>.}. */
    static final Set<String> SETTINGS = Set.of("driver", "instance", "lease-time", "wait-time", "keep-alive", "retry-count",
            "retry-interval", "key-prefix", "connect-at-startup");

    private final SortedMap<String, LockerDefinition> lockers;
    private final List<String> problems;

    private LockerConfiguration(SortedMap<String, LockerDefinition> lockers, List<String> problems) {
        this.lockers = Collections.unmodifiableSortedMap(lockers);
        this.problems = List.copyOf(problems);
    }

    static LockerConfiguration read(Config config) {
        return read(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class));
    }

    static LockerConfiguration read(Iterable<String> propertyNames, Function<String, Optional<String>> values) {
        List<String> names = new ArrayList<>();
        propertyNames.forEach(names::add);
        SortedMap<String, LockerDefinition> lockers = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String property : names) {
            if (property.startsWith(PREFIX) && property.endsWith(DRIVER_SUFFIX)
                    && property.length() > PREFIX.length() + DRIVER_SUFFIX.length()) {
                String name = property.substring(PREFIX.length(), property.length() - DRIVER_SUFFIX.length());
                Optional<String> driver = values.apply(property).filter(value -> !value.isBlank()).map(String::trim);
                if (driver.isEmpty()) {
                    problems.add(Problems.blankDriver(name));
                    continue;
                }
                lockers.put(name, define(name, driver.get(), names, values, problems));
            }
        }
        problems.addAll(unknownSettings(names, lockers.keySet()));
        return new LockerConfiguration(lockers, problems);
    }

    // other properties that merely start with "locker." (an application's own) are left alone
    private static boolean looksLikeALockerSetting(String property) {
        String rest = property.substring(PREFIX.length());
        int lastDot = rest.lastIndexOf('.');
        return lastDot > 0 && SettingNames.closest(rest.substring(lastDot + 1), SETTINGS).isPresent();
    }

    /**
     * @return a problem for every {@code locker.*} property that is no setting of a configured
     *     locker: a misspelt setting (with the one meant), or a locker without its driver
     */

    private static List<String> unknownSettings(List<String> names, Set<String> lockerNames) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> settingsByLocker = new TreeMap<>();
        for (String property : names) {
            if (!property.startsWith(PREFIX)) {
                continue;
            }
            // the longest configured name wins: locker.a.b.* belongs to 'a.b' when both 'a' and 'a.b' are configured
            Optional<String> owner = lockerNames.stream().filter(name -> property.startsWith(PREFIX + name + "."))
                    .max(Comparator.comparingInt(String::length));
            if (owner.isPresent()) {
                settingsByLocker.computeIfAbsent(owner.get(), unused -> new TreeSet<>())
                        .add(property.substring(PREFIX.length() + owner.get().length() + 1));
            } else if (looksLikeALockerSetting(property)) {
                problems.add(Problems.orphanSetting(property));
            }
        }
        settingsByLocker.forEach((locker, settings) ->
                problems.addAll(SettingNames.unknown(PREFIX + locker, settings, SETTINGS)));
        return problems;
    }

    private static LockerDefinition define(String name, String driver, List<String> names,
            Function<String, Optional<String>> values, List<String> problems) {
        String own = PREFIX + name + ".";
        Function<String, Optional<String>> setting = key -> values.apply(own + key).map(String::trim).filter(v -> !v.isEmpty());
        String instance = setting.apply("instance").orElse(name);
        String sectionPrefix = driver + "." + instance + ".";
        Map<String, String> section = new HashMap<>();
        for (String property : names) {
            if (property.startsWith(sectionPrefix)) {
                values.apply(property).ifPresent(value -> section.put(property.substring(sectionPrefix.length()), value));
            }
        }
        LockOptions defaults = LockOptions.defaults();
        Optional<Duration> lease = setting.apply("lease-time").map(text -> duration(text, own + "lease-time", problems));
        if (lease.isPresent()) {
            defaults = apply(own + "lease-time", lease.get(), defaults::withLeaseTime, defaults, problems);
        }
        Optional<Duration> wait = setting.apply("wait-time").map(text -> duration(text, own + "wait-time", problems));
        if (wait.isPresent()) {
            defaults = apply(own + "wait-time", wait.get(), defaults::withWaitTime, defaults, problems);
        }
        Optional<Boolean> keepAlive = setting.apply("keep-alive").map(text -> bool(text, own + "keep-alive", problems));
        if (keepAlive.isPresent()) {
            defaults = defaults.withKeepAlive(keepAlive.get());
        }
        Optional<String> retryCount = setting.apply("retry-count");
        Optional<Duration> retryInterval = setting.apply("retry-interval")
                .map(text -> duration(text, own + "retry-interval", problems));
        if (retryCount.isPresent() || retryInterval.isPresent()) {
            int count = retryCount.map(text -> integer(text, own + "retry-count", problems)).orElse(0);
            LockOptions current = defaults;
            defaults = apply(own + "retry-*", retryInterval.orElse(Duration.ZERO),
                    interval -> current.withRetry(count, interval), defaults, problems);
        }
        String keyPrefix = values.apply(own + "key-prefix").orElse(DEFAULT_KEY_PREFIX);
        boolean connectAtStartup = setting.apply("connect-at-startup")
                .map(text -> bool(text, own + "connect-at-startup", problems)).orElse(false);
        return new LockerDefinition(name, driver, BackendConfig.of(driver, instance, section), defaults, keyPrefix,
                connectAtStartup);
    }

    private static <T> LockOptions apply(String property, T value, Function<T, LockOptions> with, LockOptions unchanged,
            List<String> problems) {
        try {
            return with.apply(value);
        } catch (IllegalArgumentException invalid) {
            problems.add(Problems.invalidSetting(property, invalid.getMessage()));
            return unchanged;
        }
    }

    private static Duration duration(String text, String property, List<String> problems) {
        try {
            return Durations.parse(text, property);
        } catch (IllegalArgumentException unreadable) {
            problems.add(unreadable.getMessage());
            return null;
        }
    }

    /** @return the value, or false (and a problem kept) when it is neither true nor false */
    private static boolean bool(String text, String property, List<String> problems) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(Problems.notABoolean(property, text));
        return false;
    }

    private static int integer(String text, String property, List<String> problems) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException unreadable) {
            problems.add(Problems.notAnInteger(property, text));
            return 0;
        }
    }

    /** @return the configured lockers by name */
    SortedMap<String, LockerDefinition> lockers() {
        return lockers;
    }

    /** @return the problems found reading the configuration itself */
    List<String> problems() {
        return problems;
    }

    /** @return the locker a plain {@code @Inject Locker} gets: {@code default}, or the only one */
    Optional<String> defaultLocker() {
        if (lockers.containsKey(DEFAULT_LOCKER)) {
            return Optional.of(DEFAULT_LOCKER);
        }
        return lockers.size() == 1 ? Optional.of(lockers.firstKey()) : Optional.empty();
    }
}
