package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool ({@code openssl}, {@code redis-cli}, {@code etcdctl}) the way an operator would. */
final class Commands {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Commands() {
    }

    /**
     * @param command the executable and its arguments
     * @param environment variables to add to this JVM's
     * @return standard output and error, trimmed
     * @throws IllegalStateException when the command exits with a failure or takes longer than 30 s
     */
    static String run(List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close(); // nothing to answer: a tool that asks fails instead of waiting
            // Read on another thread: a hung tool must end in the timeout below, not block the reader forever.
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
