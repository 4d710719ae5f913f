package io.github.locker.tck.payara.arquillian;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.test.spi.client.deployment.ProtocolArchiveProcessor;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers the shared Payara Micro container and what completes its test WARs (test JVM side only). */
public class SharedPayaraMicroExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, SharedPayaraMicroContainer.class)
                .service(ProtocolArchiveProcessor.class, LockerLibrariesProcessor.class);
    }
}
