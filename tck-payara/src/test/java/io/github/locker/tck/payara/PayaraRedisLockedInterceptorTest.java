package io.github.locker.tck.payara;

import io.github.locker.tck.RedisTckBackend;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The interceptor contract with the Redis driver on Payara Micro. */
class PayaraRedisLockedInterceptorTest extends PayaraLockedInterceptorRun {

    @Deployment
    static WebArchive deployment() {
        return PayaraWars.interceptorContract(new RedisTckBackend(TestJvmServers.redis()));
    }
}
