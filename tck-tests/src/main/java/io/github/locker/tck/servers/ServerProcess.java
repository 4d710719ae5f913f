package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One server process on a loopback port that tests start, stop, pause (SIGSTOP), resume
 * (SIGCONT) and restart on the same port. Its output goes to a log file, named in every failure.
 */
public final class ServerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<String> command;
    private final int port;
    private final Path log;
    private final BooleanSupplier ready;
    private Process process;

    ServerProcess(String name, List<String> command, int port, Path log) {
        this(name, command, port, log, null);
    }

    /** @param ready whether the started process serves; null: its port accepts connections */
    ServerProcess(String name, List<String> command, int port, Path log, BooleanSupplier ready) {
        this.name = name;
        this.command = List.copyOf(command);
        this.port = port;
        this.log = log;
        this.ready = ready == null ? this::accepts : ready;
    }

    /** @return the port clients connect to */
    public int port() {
        return port;
    }

    /** @return whether the process is running (paused counts as running) */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the process and waits until its port accepts connections. */
    public void start() {
        if (isRunning()) {
            return;
        }
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " at start; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not listen on port " + port + " within " + START_TIMEOUT
                        + "; see " + log);
            }
            sleep(20);
        }
    }

    /** Kills the process (SIGKILL: no chance to clean up, like a crash) and waits for it to end. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        // the port is ours again only once the kernel has let go of it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (accepts() && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    /** Kills and starts the process again on the same port. */
    public void restart() {
        kill();
        start();
    }

    /** Freezes the process with SIGSTOP: its sockets stay open, it answers nothing. */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a paused process with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        Signals.send(process, signal);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Sleeps, turning an interruption into a test failure (the interrupt flag kept). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
