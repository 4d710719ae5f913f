package io.github.locker.tck.payara.arquillian;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * The {@code arquillian.xml} settings of {@link SharedPayaraMicroContainer}; the Maven build fills the
 * defaults in as system properties ({@code payara.microJar}, the name the Payara managed adapter
 * uses too, and {@code locker.payara.workDir}).
 */
public class PayaraMicroSettings implements ContainerConfiguration {
    private String microJar = System.getProperty("payara.microJar");
    private String workDir = System.getProperty("locker.payara.workDir", "target/payara");
    private int startupTimeoutInSeconds = 180;
    /**
     * The client compiler only: a test server lives a few minutes, and on two cores C2's compiler
     * threads took the CPU the server and the tests need (start-up 45 s instead of 13 s here,
     * deployments 5 to 15 s instead of 3 to 5 s).
     */
    private String javaOptions = "-XX:TieredStopAtLevel=1";

    @Override
    public void validate() throws ConfigurationException {
        if (microJar == null || !Files.isRegularFile(Path.of(microJar))) {
            throw new ConfigurationException("microJar must name the Payara Micro jar (system property payara.microJar), was "
                    + microJar);
        }
        if (startupTimeoutInSeconds <= 0) {
            throw new ConfigurationException("startupTimeoutInSeconds must be positive, was " + startupTimeoutInSeconds);
        }
    }

    /** @return the Payara Micro jar */
    public Path microJar() {
        return Path.of(microJar);
    }

    /** @return where instances keep their logs and temporary files */
    public Path workDirectory() {
        return Path.of(workDir);
    }

    /** @return how long an instance may take to serve */
    public Duration startTimeout() {
        return Duration.ofSeconds(startupTimeoutInSeconds);
    }

    /** @return options for the Payara Micro JVM */
    public List<String> javaOptions() {
        return Arrays.stream(javaOptions.trim().split("\\s+")).filter(option -> !option.isEmpty()).toList();
    }

    /** @param microJar the Payara Micro jar's path */
    public void setMicroJar(String microJar) {
        this.microJar = microJar;
    }

    /** @param workDir where instances keep their logs and temporary files */
    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }

    /** @param seconds how long an instance may take to serve */
    public void setStartupTimeoutInSeconds(int seconds) {
        this.startupTimeoutInSeconds = seconds;
    }

    /** @param javaOptions options for the Payara Micro JVM, separated by spaces (replacing the default) */
    public void setJavaOptions(String javaOptions) {
        this.javaOptions = javaOptions;
    }
}
