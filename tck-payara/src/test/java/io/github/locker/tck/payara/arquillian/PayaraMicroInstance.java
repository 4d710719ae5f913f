package io.github.locker.tck.payara.arquillian;

import io.github.locker.tck.payara.deployer.DeployerServlet;
import io.github.locker.tck.servers.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * One Payara Micro JVM started by the test JVM, with the {@link DeployerServlet} deployed at boot so
 * that WARs can be deployed into it and undeployed again while it runs. Its HTTP listener is bound
 * to the loopback address on a free port; its output goes to {@code <work dir>/<name>.log}, named
 * in every failure.
 */
public final class PayaraMicroInstance implements AutoCloseable {
    private static final String DEPLOYER = "locker-deployer";
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(3);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    /** Ends the JVM should the tests' JVM end without stopping it first. */
    private final Thread orphanGuard;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PayaraMicroInstance(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.orphanGuard = new Thread(process::destroyForcibly, "stop Payara Micro " + name);
        Runtime.getRuntime().addShutdownHook(orphanGuard);
    }

    /**
     * Starts a Payara Micro and waits until it serves.
     *
     * @param settings the server jar, the working directory, the start timeout and JVM options
     * @param name this instance's name: its files are {@code <work dir>/<name>*}
     * @return the running instance
     * @throws IllegalStateException when it exits or does not serve within the timeout (the log is named)
     */
    public static PayaraMicroInstance start(PayaraMicroSettings settings, String name) {
        Path dir = settings.workDirectory().resolve(name).toAbsolutePath();
        Path log = settings.workDirectory().resolve(name + ".log").toAbsolutePath();
        int port = FreePort.pick();
        Process process;
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Path deployer = dir.resolve(DEPLOYER + ".war");
            ShrinkWrap.create(WebArchive.class, DEPLOYER + ".war")
                    .addClass(DeployerServlet.class)
                    .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                    .as(ZipExporter.class).exportTo(deployer.toFile(), true);
            // no --address option: the listener is moved to loopback before boot
            Path preBoot = Files.writeString(dir.resolve("pre-boot.asadmin"),
                    "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1\n");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(settings.javaOptions());
            // Payara Micro unpacks its runtime into the temporary directory: keep it under target/
            command.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
            command.addAll(List.of("-jar", settings.microJar().toAbsolutePath().toString(),
                    "--nocluster", "--disablephonehome", "--port", Integer.toString(port),
                    "--prebootcommandfile", preBoot.toString(), "--deploy", deployer.toString()));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Payara Micro " + name, e);
        }
        PayaraMicroInstance instance = new PayaraMicroInstance(name, process, port, log);
        try {
            instance.awaitServing(settings.startTimeout());
        } catch (InterruptedException e) {
            instance.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Payara Micro " + name + " started", e);
        }
        return instance;
    }

    private void awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro " + name + " exited with " + process.exitValue()
                        + " while starting; see " + log);
            }
            if (serves()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("Payara Micro " + name + " did not serve within " + timeout + "; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private boolean serves() {
        try {
            return http.send(HttpRequest.newBuilder(deployments("")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false; // not listening yet, or the deployer not deployed yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deploys a WAR at the context root named after it ({@code contend.war} at {@code /contend}).
     *
     * @param archive the WAR
     * @return the context root's address
     * @throws DeploymentRefused with what Payara logged when it refuses the WAR
     */
    public URI deploy(Archive<?> archive) {
        String application = applicationName(archive);
        HttpResponse<String> response = send(HttpRequest.newBuilder(deployments(application)).timeout(REQUEST_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> archive.as(ZipExporter.class).exportAsInputStream())));
        if (response.statusCode() != 200) {
            throw new DeploymentRefused("Payara Micro " + name + " refused '" + application + "' (HTTP " + response.statusCode()
                    + "):\n" + response.body());
        }
        return URI.create("http://127.0.0.1:" + port + "/" + application + "/");
    }

    /** @param archive a WAR deployed with {@link #deploy} */
    public void undeploy(Archive<?> archive) {
        String application = applicationName(archive);
        HttpResponse<String> response = send(HttpRequest.newBuilder(deployments(application)).timeout(REQUEST_TIMEOUT).DELETE());
        if (response.statusCode() != 204) {
            throw new IllegalStateException("Payara Micro " + name + " did not undeploy '" + application + "' (HTTP "
                    + response.statusCode() + "): " + response.body());
        }
    }

    /** @return the HTTP port, on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** Stops the JVM (SIGTERM, so Payara cleans up; SIGKILL after 30 s) and waits for it to end. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String applicationName(Archive<?> archive) {
        return archive.getName().replaceFirst("\\.war$", "");
    }

    private URI deployments(String application) {
        return URI.create("http://127.0.0.1:" + port + "/" + DEPLOYER + "/deployments/" + application);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Payara Micro " + name + " did not answer; see " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A deployment Payara refused; the message carries every warning and error it logged meanwhile. */
    public static final class DeploymentRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeploymentRefused(String message) {
            super(message);
        }
    }
}
