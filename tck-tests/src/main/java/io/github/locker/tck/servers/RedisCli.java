package io.github.locker.tck.servers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code redis-cli} against a loopback server, the way an operator would, and returns what it printed. */
final class RedisCli {
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
        // --cluster-yes answers the one question redis-cli asks
        return Commands.run(command, Map.of());
    }
}
