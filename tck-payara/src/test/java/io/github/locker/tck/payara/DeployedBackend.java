package io.github.locker.tck.payara;

import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.ServerProcess;
import io.github.locker.tck.servers.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A {@link TckBackend} taken into Payara: the test JVM started the server and writes what a test
 * needs to know of it into the WAR ({@value #RESOURCE}); the tests that run inside Payara read it
 * back. The server itself stays the test JVM's child; inside Payara it is reached by its process
 * id, enough to pause and resume it (SIGSTOP, SIGCONT), which is all the CDI contracts do to it.
 */
public final class DeployedBackend implements TckBackend {
    static final String RESOURCE = "tck-backend.properties";

    private final Properties properties;

    private DeployedBackend(Properties properties) {
        this.properties = properties;
    }

    /**
     * @param war a deployment
     * @param backend the test JVM's backend
     * @return the same WAR, carrying what {@link #read()} needs, and the classes a test inside
     *     Payara uses to reach the server
     */
    public static WebArchive carry(WebArchive war, TckBackend backend) {
        Properties properties = new Properties();
        properties.setProperty("driver", backend.driver());
        backend.section().forEach((name, value) -> properties.setProperty("section." + name, value));
        properties.setProperty("short-lease", Long.toString(backend.shortLease().toMillis()));
        properties.setProperty("contention-iterations", Integer.toString(backend.contentionIterations()));
        properties.setProperty("server.pid", Long.toString(backend.server().pid()));
        properties.setProperty("server.port", Integer.toString(backend.server().port()));
        StringWriter text = new StringWriter();
        try {
            properties.store(text, "the backend of the test JVM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return war.addClasses(DeployedBackend.class, TckBackend.class, ServerProcess.class, Signals.class)
                .addAsResource(new StringAsset(text.toString()), RESOURCE);
    }

    /** @return the backend the test JVM put into this deployment */
    public static DeployedBackend read() {
        Properties properties = new Properties();
        try (InputStream in = DeployedBackend.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in this deployment: build it with DeployedBackend.carry");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeployedBackend(properties);
    }

    @Override
    public String driver() {
        return properties.getProperty("driver");
    }

    @Override
    public Map<String, String> section() {
        Map<String, String> section = new TreeMap<>();
        properties.stringPropertyNames().stream().filter(name -> name.startsWith("section."))
                .forEach(name -> section.put(name.substring("section.".length()), properties.getProperty(name)));
        return section;
    }

    @Override
    public ServerProcess server() {
        return ServerProcess.attach(driver() + " server", Long.parseLong(properties.getProperty("server.pid")),
                Integer.parseInt(properties.getProperty("server.port")));
    }

    @Override
    public Duration shortLease() {
        return Duration.ofMillis(Long.parseLong(properties.getProperty("short-lease")));
    }

    @Override
    public int contentionIterations() {
        return Integer.parseInt(properties.getProperty("contention-iterations"));
    }
}
