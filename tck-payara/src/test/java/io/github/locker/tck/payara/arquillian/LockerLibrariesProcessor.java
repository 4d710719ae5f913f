package io.github.locker.tck.payara.arquillian;

import io.github.locker.tck.payara.PayaraWars;
import java.io.File;
import java.net.URISyntaxException;
import org.assertj.core.api.Assertions;
import org.jboss.arquillian.container.test.spi.TestDeployment;
import org.jboss.arquillian.container.test.spi.client.deployment.ProtocolArchiveProcessor;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Completes every test WAR (Arquillian has already wrapped a bean jar, as the TCK's contracts
 * deploy on Weld, into one): the library and its dependencies, as an application carries them,
 * and AssertJ for the tests that run inside Payara.
 */
public class LockerLibrariesProcessor implements ProtocolArchiveProcessor {

    @Override
    public void process(TestDeployment testDeployment, Archive<?> protocolArchive) {
        WebArchive war = protocolArchive.as(WebArchive.class);
        PayaraWars.withLocker(war).addAsLibrary(jarOf(Assertions.class));
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
