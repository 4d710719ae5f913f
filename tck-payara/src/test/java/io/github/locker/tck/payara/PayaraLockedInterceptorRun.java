package io.github.locker.tck.payara;

import io.github.locker.tck.TckBackend;
import io.github.locker.tck.cdi.LockedInterceptorContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The interceptor contract on Payara Micro: its tests run inside Payara, against a server the test
 * JVM started when it made the deployment ({@link PayaraWars#interceptorContract}). A run adds the
 * static {@code @Deployment} for its driver.
 */
abstract class PayaraLockedInterceptorRun extends LockedInterceptorContract {

    /** In the test JVM only, as every {@code @AfterAll} of an Arquillian test. */
    @AfterAll
    static void stopServers() {
        TestJvmServers.stopAll();
    }

    @Override
    protected TckBackend backend() {
        return DeployedBackend.read();
    }
}
