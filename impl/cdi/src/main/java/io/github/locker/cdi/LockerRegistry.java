package io.github.locker.cdi;

import io.github.locker.LockException;
import io.github.locker.LockLost;
import io.github.locker.Locker;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The application's lockers, made from configuration when first injected: one backend connection
 * per backend section (two lockers on {@code redis.main} share it), closed when the container
 * shuts down. At start-up it checks the configuration again, because on Quarkus the deployment
 * rules ran at build time and configuration may differ at run time.
 */
@Singleton
public class LockerRegistry {
    /** How long a locker that connects at start-up waits for its backend's answer. */
    static final Duration STARTUP_PING_TIMEOUT = Duration.ofSeconds(5);
    private final LockerConfiguration configuration;
    private final DeploymentRules rules;
    private final Map<String, LockerBackend> backendsBySection = new ConcurrentHashMap<>();
    private final Map<String, Locker> lockersByName = new ConcurrentHashMap<>();
    /**
     * The plans of {@code @Locked} methods, by the intercepted instance's class, then method: held
     * here, for the application, because the container makes an interceptor instance per bean
     * instance (every {@code @Dependent} or request-scoped bean would plan its calls again).
     */
    private final Map<Class<?>, Map<Method, LockedCall>> callsByClass = new ConcurrentHashMap<>();

    /** Fired by the lockers on their own callback threads, never a driver's: a slow observer cannot hold up renewals. */
    private final Event<LockLost> lossEvents;

    /**
     * Reads the configuration of the application's class loader.
     *
     * @param lossEvents where lost leases are announced
     */
    @Inject
    public LockerRegistry(Event<LockLost> lossEvents) {
        this.lossEvents = lossEvents;
        this.configuration = LockerConfiguration.read(ConfigProvider.getConfig());
        this.rules = new DeploymentRules(configuration, classLoader());
    }

    void checkAtStartup(@Observes @Initialized(ApplicationScoped.class) Object started) {
        List<String> problems = rules.checkConfiguration();
        if (problems.isEmpty()) {
            problems = connectAtStartup();
        }
        if (!problems.isEmpty()) {
            throw new DeploymentException(Problems.deploymentFailed(problems));
        }
    }

    /** @return why each locker configured to connect at start-up could not reach its backend */
    private List<String> connectAtStartup() {
        List<String> problems = new ArrayList<>();
        configuration.lockers().values().stream().filter(LockerDefinition::connectAtStartup).forEach(definition -> {
            try {
                locker(definition.name());
                backend(definition).ping(STARTUP_PING_TIMEOUT);
            } catch (LockException | IllegalArgumentException unusable) {
                problems.add(Problems.unreachableAtStartup(definition.name(), definition.backend().section(),
                        unusable.getMessage()));
            }
        });
        return problems;
    }

    /**
     * @param name a configured locker's name
     * @return that locker, connected on first use
     * @throws IllegalArgumentException when no such locker is configured
     */
    public Locker locker(String name) {
        return lockersByName.computeIfAbsent(name, this::open);
    }

    private Locker open(String name) {
        LockerDefinition definition = configuration.lockers().get(name);
        if (definition == null) {
            throw new IllegalArgumentException(Problems.unknownLocker("A lookup", name, configuration.lockers().keySet()));
        }
        return backend(definition).locker(name, definition.defaults(), definition.keyPrefix(),
                lossEvents::fire);
    }

    /** @return the backend sections the configured lockers use, by section name ({@code redis.main}) */
    Map<String, LockerDefinition> sections() {
        Map<String, LockerDefinition> sections = new TreeMap<>();
        configuration.lockers().values().forEach(locker -> sections.putIfAbsent(locker.backend().section(), locker));
        return sections;
    }

    /** @return the connection of a locker's backend section, opened on first use and shared by the section's lockers */
    LockerBackend backend(LockerDefinition definition) {
        return backendsBySection.computeIfAbsent(definition.backend().section(), section ->
                LockerDriver.installed(classLoader()).stream()
                        .filter(driver -> driver.name().equals(definition.driver())).findFirst()
                        .orElseThrow(() -> new IllegalStateException(
                                Problems.unknownDriver(definition.name(), definition.driver(), List.of())))
                        .connect(definition.backend()));
    }

    /**
     * @param locker the name a reference uses; empty for the default locker
     * @return the configured locker it resolves to
     */
    Locker resolve(String locker) {
        return locker(rules.resolve(locker).orElseThrow(() -> new IllegalArgumentException(
                Problems.noDefaultLocker("A @Locked method", configuration.lockers().keySet()))));
    }

    /**
     * @param beanClass the class of the intercepted instance
     * @param method the intercepted {@code @Locked} method
     * @return the plan of that method's calls, made on its first call
     * @throws IllegalArgumentException when its locker does not resolve (the deployment rules refuse it first)
     */
    LockedCall call(Class<?> beanClass, Method method) {
        return callsByClass.computeIfAbsent(beanClass, type -> new ConcurrentHashMap<>())
                .computeIfAbsent(method, planned -> LockedCall.plan(planned, beanClass, this));
    }

    @PreDestroy
    void close() {
        callsByClass.clear();
        backendsBySection.values().forEach(LockerBackend::close);
        backendsBySection.clear();
        lockersByName.clear();
    }

    static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : LockerRegistry.class.getClassLoader();
    }
}
