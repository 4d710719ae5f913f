package io.github.locker.tck.cdi;

import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interceptor contract with the Redis driver on Weld (Arquillian, weld-embedded). */
class RedisLockedInterceptorTest extends LockedInterceptorContract {
    /** Started at once: Arquillian deploys before other extensions' {@code beforeAll}. */
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer().start();

    @Deployment
    static JavaArchive deployment() {
        return deployment(new RedisTckBackend(REDIS));
    }

    @Override
    protected TckBackend backend() {
        return new RedisTckBackend(REDIS);
    }
}
