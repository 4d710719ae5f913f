package io.github.locker.tck.payara;

import io.github.locker.tck.EtcdTckBackend;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The interceptor contract with the etcd driver on Payara Micro. */
class PayaraEtcdLockedInterceptorTest extends PayaraLockedInterceptorRun {

    @Deployment
    static WebArchive deployment() {
        return PayaraWars.interceptorContract(new EtcdTckBackend(TestJvmServers.etcd()));
    }
}
