package io.github.locker.tck.nodes;

import io.github.locker.tck.servers.Signals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node of a multi-process test, seen from the test: a child JVM running {@link NodeMain} on this
 * JVM's class path, whose output lines the test awaits and to which it sends commands. Killing it
 * (SIGKILL) is a crash; pausing it (SIGSTOP) is a process that stops answering, GC-pause style.
 */
public final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
    private final Path log;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            } catch (IOException ended) {
                // the process is gone: what it said is already queued
            }
        }, "output of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param name the node's name, in its output and logs
     * @param driver the driver to use
     * @param backend the backend section's properties
     * @param key the lock key
     * @param mode the mode and its arguments (see {@link NodeMain})
     * @return the started node
     */
    public static NodeProcess start(String name, String driver, Map<String, String> backend, String key, String... mode) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "nodes"));
            Path config = directory.resolve(name + ".properties");
            Properties properties = new Properties();
            properties.putAll(backend);
            try (Writer writer = Files.newBufferedWriter(config)) {
                properties.store(writer, "backend of node " + name);
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
                    name, driver, config.toString(), key));
            command.addAll(List.of(mode));
            Path log = directory.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
            return new NodeProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    /**
     * @param prefix how the awaited line starts
     * @param timeout how long to wait for it
     * @return the line
     * @throws AssertionError when the node said something else, ended, or said nothing in time
     */
    public String await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = output.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("node " + name + " did not say '" + prefix + "...' within " + timeout
                        + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; see " + log);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (!line.startsWith("LOST")) {
                throw new AssertionError("node " + name + " said '" + line + "' while '" + prefix + "...' was awaited; see " + log);
            }
        }
    }

    /** @param command a command line for the node */
    public void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("node " + name + " does not take commands", e);
        }
    }

    /** Freezes the node (SIGSTOP): it stops renewing, answering, everything. */
    public void pause() {
        Signals.send(process, "STOP");
    }

    /** Thaws a frozen node (SIGCONT). */
    public void resume() {
        Signals.send(process, "CONT");
    }

    /** Kills the node with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                Signals.send(process, "CONT"); // a paused node cannot die
            } catch (IllegalStateException endedMeanwhile) {
                // a node that has done its work exits on its own: nothing left to thaw
            }
            kill();
        }
    }
}
