package io.github.locker.tck.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds a server's executable, or fails the test run saying how to install it: never a silent skip. */
final class ServerBinary {
    private ServerBinary() {
    }

    static Path require(String name, String debianPackage) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(directory, name));
            }
        }
        candidates.add(Path.of("/usr/bin", name));
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/local/bin", name));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "'" + name + "' is not installed, and these tests run a real " + name + ". Install it with: "
                        + "sudo apt-get update && sudo apt-get install -y " + debianPackage));
    }
}
