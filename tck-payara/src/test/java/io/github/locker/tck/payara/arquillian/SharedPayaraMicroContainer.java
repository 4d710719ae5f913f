package io.github.locker.tck.payara.arquillian;

import java.net.URI;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.arquillian.protocol.servlet5.ServletMethodExecutor;
import org.jboss.arquillian.protocol.servlet5.v_5.ServletProtocol;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * An Arquillian container that starts one Payara Micro for the whole test run and deploys every
 * test class's WARs into it (through the {@link io.github.locker.tck.payara.deployer.DeployerServlet}).
 *
 * <p>Why not Payara's own adapter: {@code arquillian-payara-micro-managed} (3.1, the one on Maven
 * Central) starts a new Payara Micro JVM for every deployment (some 20 s each here; the TCK makes
 * over twenty deployments), and it reports a deployment Payara refused as a success with no
 * servlets, so the deployment-validation contract could not see a failure, let alone its message.
 * Payara's remote adapter and its deployer application, which would fit, are not on Maven Central.
 */
public class SharedPayaraMicroContainer implements DeployableContainer<PayaraMicroSettings> {
    private PayaraMicroSettings settings;
    private PayaraMicroInstance instance;

    @Override
    public Class<PayaraMicroSettings> getConfigurationClass() {
        return PayaraMicroSettings.class;
    }

    @Override
    public void setup(PayaraMicroSettings configuration) {
        this.settings = configuration;
    }

    @Override
    public void start() {
        instance = PayaraMicroInstance.start(settings, "payara-micro");
    }

    @Override
    public void stop() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription(ServletProtocol.PROTOCOL_NAME);
    }

    /**
     * @throws PayaraMicroInstance.DeploymentRefused (unchecked, as CDI's own deployment failures are,
     *     so a test sees it where it would see Weld's) when Payara refuses the WAR
     */
    @Override
    public ProtocolMetaData deploy(Archive<?> archive) {
        URI root = instance.deploy(archive);
        HTTPContext context = new HTTPContext(root.getHost(), root.getPort());
        String contextRoot = "/" + PayaraMicroInstance.applicationName(archive);
        // the servlet protocol looks its runner up by name; a client-side test's URL comes from the context root
        context.add(new Servlet(ServletMethodExecutor.ARQUILLIAN_SERVLET_NAME, contextRoot));
        return new ProtocolMetaData().addContext(context);
    }

    @Override
    public void undeploy(Archive<?> archive) {
        instance.undeploy(archive);
    }

    @Override
    public void deploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("Payara Micro takes archives, not descriptors");
    }

    @Override
    public void undeploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("Payara Micro takes archives, not descriptors");
    }
}
