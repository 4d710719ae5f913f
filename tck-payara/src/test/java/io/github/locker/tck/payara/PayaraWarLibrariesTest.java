package io.github.locker.tck.payara;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The WARs of the Payara runs carry what a user's WAR would, with both drivers: one Netty version
 * for Lettuce and jetcd's gRPC, resolved through locker-bom, and never the memory driver.
 */
class PayaraWarLibrariesTest {
    private static final Pattern NETTY_JAR = Pattern.compile("netty-[a-z0-9-]+?-(4\\.[0-9]+\\.[0-9]+\\.Final)(-[a-z0-9_-]+)?\\.jar");

    @Test
    void bothDriversShareOneNettyInWebInfLib() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("locker.payara.warLib")))) {
            jars = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".jar")).sorted().toList();
        }
        Set<String> nettyVersions = new TreeSet<>();
        jars.forEach(jar -> {
            Matcher netty = NETTY_JAR.matcher(jar);
            if (netty.matches()) {
                nettyVersions.add(netty.group(1));
            }
        });

        assertThat(jars).anyMatch(jar -> jar.startsWith("locker-cdi-")).anyMatch(jar -> jar.startsWith("lettuce-core-"))
                .anyMatch(jar -> jar.startsWith("jetcd-core-")).noneMatch(jar -> jar.startsWith("locker-testing-"));
        assertThat(nettyVersions).as("Netty versions in WEB-INF/lib: %s", jars).hasSize(1);
    }
}
