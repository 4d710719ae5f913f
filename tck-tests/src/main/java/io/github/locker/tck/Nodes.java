package io.github.locker.tck;

import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The "nodes" of one test, as a JUnit 5 extension: every {@link #newLocker()} has a backend
 * connection of its own, as a separate service instance would; each test gets a key no other test
 * uses, and a thread pool. Everything is closed after each test.
 * <pre>{@code @RegisterExtension final Nodes nodes = new Nodes("redis", () -> Map.of("uri", REDIS.uri()));}</pre>
 */
public final class Nodes implements BeforeEachCallback, AfterEachCallback {
    /** The key prefix of every locker the TCK makes. */
    public static final String PREFIX = "locker:tck:";

    private final String driver;
    private final Supplier<Map<String, String>> section;
    private final List<LockerBackend> backends = new ArrayList<>();
    private ExecutorService threads;
    private String key;

    /**
     * @param driver the driver's name
     * @param section the backend section's properties, asked for when a locker is made (servers start late)
     */
    public Nodes(String driver, Supplier<Map<String, String>> section) {
        this.driver = driver;
        this.section = section;
    }

    /** @param backend the driver and server under test */
    public Nodes(TckBackend backend) {
        this(backend.driver(), backend::section);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        key = context.getRequiredTestMethod().getName() + ":" + UUID.randomUUID();
        threads = Executors.newCachedThreadPool();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        backends.forEach(LockerBackend::close);
        backends.clear();
    }

    /** @return a locker on a backend connection of its own */
    public Locker newLocker() {
        return newLocker("test");
    }

    /**
     * @param name the locker's name (what its messages and meters are tagged with)
     * @return a locker of that name on a backend connection of its own
     */
    public Locker newLocker(String name) {
        LockerBackend backend = LockerDriver.find(driver).orElseThrow()
                .connect(BackendConfig.of(driver, "tck", section.get()));
        backends.add(backend);
        return backend.locker(name, LockOptions.defaults(), PREFIX);
    }

    /** @return this test's key */
    public String key() {
        return key;
    }

    /** @return this test's threads, stopped after it */
    public ExecutorService threads() {
        return threads;
    }
}
