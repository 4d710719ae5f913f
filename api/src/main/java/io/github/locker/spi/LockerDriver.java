package io.github.locker.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A lock backend kind ({@code redis}, {@code etcd}), found with {@link ServiceLoader}: a
 * third-party driver is a jar with this interface implemented and named in
 * {@code META-INF/services/io.github.locker.spi.LockerDriver}.
 *
 * <p>A driver is loadable even when its client library is missing from the classpath; it then
 * reports that through {@link #check}, naming the dependency to add.
 */
public interface LockerDriver {

    /** @return the name used in {@code locker.<name>.driver} and as the backend section prefix */
    String name();

    /**
     * Checks a backend section without connecting: required properties present and well-formed,
     * client library on the classpath. Called at deployment, so a bad section stops the deployment.
     *
     * @param config the section to check
     * @return one sentence per problem, naming the property and the fix; empty when usable
     */
    List<String> check(BackendConfig config);

    /**
     * Checks a locker's key prefix ({@code locker.<name>.key-prefix}) for this backend, at
     * deployment: some characters mean something to a backend (a Redis Cluster hash tag, an etcd
     * path separator).
     *
     * @param keyPrefix the prefix a locker on this driver would use
     * @return one clause per problem, saying what is wrong and the fix (the caller names the
     *     property); empty when usable, which is the default
     */
    default List<String> checkKeyPrefix(String keyPrefix) {
        return List.of();
    }

    /**
     * Connects to the backend a section describes.
     *
     * @param config a section {@link #check} found no problem with
     * @return the open backend
     * @throws IllegalArgumentException when the section has a problem {@link #check} reports
     * @throws io.github.locker.LockBackendException when the backend cannot be reached
     */
    LockerBackend connect(BackendConfig config);

    /**
     * @param classLoader where to look for drivers
     * @return every driver installed there
     */
    static List<LockerDriver> installed(ClassLoader classLoader) {
        List<LockerDriver> drivers = new ArrayList<>();
        ServiceLoader.load(LockerDriver.class, classLoader).forEach(drivers::add);
        return drivers;
    }

    /**
     * @param name a driver name, such as {@code redis}
     * @return the driver of that name visible to the context class loader (or, when there is none,
     *     to this interface's), empty when none is installed
     */
    static Optional<LockerDriver> find(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return installed(loader == null ? LockerDriver.class.getClassLoader() : loader).stream()
                .filter(driver -> driver.name().equals(name))
                .findFirst();
    }
}
