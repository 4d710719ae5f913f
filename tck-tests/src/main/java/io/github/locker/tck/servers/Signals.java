package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Sends POSIX signals to processes the tests started: SIGSTOP freezes one, SIGCONT thaws it. */
public final class Signals {
    private Signals() {
    }

    /**
     * @param process a running process
     * @param signal the signal's name without {@code SIG}: {@code STOP}, {@code CONT}
     */
    public static void send(Process process, String signal) {
        send(process.pid(), signal);
    }

    /**
     * @param pid a running process's id
     * @param signal the signal's name without {@code SIG}: {@code STOP}, {@code CONT}
     */
    public static void send(long pid, String signal) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
