package io.github.locker.tck.cdi;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interceptor contract with the etcd driver on Weld (Arquillian, weld-embedded). */
class EtcdLockedInterceptorTest extends LockedInterceptorContract {
    /** Started at once: Arquillian deploys before other extensions' {@code beforeAll}. */
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1).start();

    @Deployment
    static JavaArchive deployment() {
        return deployment(new EtcdTckBackend(ETCD));
    }

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }
}
