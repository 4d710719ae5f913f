package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The jars Maven resolved for this consumer's tests: its dependency tree as it runs. */
final class ClassPath {
    private static final Pattern NETTY_JAR = Pattern.compile("netty-[a-z0-9-]+?-(4\\.[0-9]+\\.[0-9]+\\.Final)(-[a-z0-9_-]+)?\\.jar");

    private final List<String> jars;

    private ClassPath(List<String> jars) {
        this.jars = jars;
    }

    /** @return the jars of this test run, as Surefire gives them */
    static ClassPath ofThisTest() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ClassPath(Arrays.stream(path.split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .map(entry -> Path.of(entry).getFileName().toString())
                .sorted().toList());
    }

    /** Asserts that no jar's name starts with any of {@code prefixes}. */
    void hasNone(String... prefixes) {
        for (String prefix : prefixes) {
            List<String> found = jars.stream().filter(jar -> jar.startsWith(prefix)).toList();
            assertTrue(found.isEmpty(), "expected no " + prefix + "* jar, found " + found + " in " + jars);
        }
    }

    /** Asserts that a jar whose name starts with {@code prefix} is there. */
    void has(String prefix) {
        assertTrue(jars.stream().anyMatch(jar -> jar.startsWith(prefix)), "expected a " + prefix + "* jar in " + jars);
    }

    /** Asserts that every Netty jar has the same version. */
    void hasOneNettyVersion() {
        Set<String> versions = new TreeSet<>();
        for (String jar : jars) {
            Matcher netty = NETTY_JAR.matcher(jar);
            if (netty.matches()) {
                versions.add(netty.group(1));
            }
        }
        assertEquals(1, versions.size(), "Netty versions on the class path: " + versions + " in " + jars);
    }
}
