package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code redis-cli} against a loopback server, the way an operator would, and returns what it printed. */
final class RedisCli {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RedisCli() {
    }

    /**
     * @param port the server's port, or {@code 0} for commands that name their servers themselves
     *             ({@code --cluster create ...})
     * @return standard output and error, trimmed
     * @throws IllegalStateException when redis-cli exits with a failure or takes longer than 30 s
     */
    static String run(int port, String... args) {
        Path binary = ServerBinary.require("redis-cli", "redis-tools");
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if (port != 0) {
            command.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port)));
        }
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close(); // nothing to answer: --cluster-yes answers the one question
            // Read on another thread: a hung redis-cli must end in the timeout below, not block the reader forever.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process));
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + output.join());
            }
            return output.join();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
