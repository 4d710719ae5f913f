package consumer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/** Boots the consumer as a Weld SE application does, with its configuration in system properties. */
final class Application {
    private Application() {
    }

    /**
     * @param configuration MicroProfile Config properties, e.g. {@code locker.main.driver=redis}
     * @return the running container; close it, and the properties stay until the JVM ends
     */
    static WeldContainer boot(Map<String, String> configuration) {
        configuration.forEach(System::setProperty);
        return new Weld().initialize();
    }

    /**
     * @param attempt what another thread tries, e.g. a tryLock on the key an @Locked method holds
     * @return its answer, from a thread that holds nothing
     */
    static boolean fromAnotherThread(Supplier<Boolean> attempt) {
        return CompletableFuture.supplyAsync(attempt).join();
    }
}
