package io.github.locker.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code in the README and in docs/ is code the build compiles and runs: every Java block, and
 * every block marked {@code <!-- snippet: path[#region] -->}, must equal the file it names (or the
 * lines between that file's {@code snippet:<region>:start} and {@code snippet:<region>:end}
 * markers, without their common indentation). The quick starts' files are built and run by
 * consumer-check and tck-payara, the others are compiled in this module or are the library's own.
 * A properties block must be a valid file: no comment after a value.
 */
class DocumentationSnippetsTest {
    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- snippet: (?<ref>[^ ]+) -->\\n)?```(?<lang>[a-z]*)\\n(?<code>.*?)```", Pattern.DOTALL);
    private static final Pattern COMMENT_AFTER_VALUE = Pattern.compile("^[^#!\\s][^=:]*[=:].*\\s#");
    private static final Path ROOT = Path.of(System.getProperty("docs.sourceRoot", ".."));

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    @Test
    void everyCodeBlockIsAFileTheBuildCompilesOrRuns() throws IOException {
        int checked = 0;
        for (Path document : documents()) {
            Matcher block = BLOCK.matcher(Files.readString(document));
            while (block.find()) {
                String where = ROOT.relativize(document) + ", block at offset " + block.start();
                String ref = block.group("ref");
                if (ref == null) {
                    assertThat(block.group("lang")).as("%s: a Java block must name its source with <!-- snippet: path -->", where)
                            .isNotEqualTo("java");
                    continue;
                }
                assertThat(block.group("code")).as("%s: the block differs from %s; copy the file's text into the document", where, ref)
                        .isEqualTo(expected(ref));
                checked++;
            }
        }
        assertThat(checked).as("snippets checked").isGreaterThanOrEqualTo(15);
    }

    @Test
    void everyPropertiesBlockIsAValidPropertiesFile() throws IOException {
        for (Path document : documents()) {
            Matcher block = BLOCK.matcher(Files.readString(document));
            while (block.find()) {
                if (block.group("lang").equals("properties")) {
                    for (String line : block.group("code").split("\n")) {
                        assertThat(COMMENT_AFTER_VALUE.matcher(line).find())
                                .as("%s: '%s' has a comment after its value, which .properties reads as part of the value",
                                        ROOT.relativize(document), line)
                                .isFalse();
                    }
                }
            }
        }
    }

    private static String expected(String ref) throws IOException {
        int hash = ref.indexOf('#');
        Path file = ROOT.resolve(hash < 0 ? ref : ref.substring(0, hash));
        assertThat(file).as("the file a snippet names").isRegularFile();
        String text = Files.readString(file);
        if (hash >= 0) {
            String region = ref.substring(hash + 1);
            Matcher lines = Pattern.compile("[^\\n]*snippet:" + Pattern.quote(region) + ":start[^\\n]*\\n(.*?\\n)[^\\n]*snippet:"
                    + Pattern.quote(region) + ":end", Pattern.DOTALL).matcher(text);
            assertThat(lines.find()).as("region '%s' in %s", region, file).isTrue();
            text = dedent(lines.group(1));
        }
        for (Map.Entry<String, String> version : Map.of("@project.version@", "docs.lockerVersion",
                "@quarkus.version@", "quarkus.version", "@weld.version@", "weld.version",
                "@smallrye-config.version@", "smallrye-config.version").entrySet()) {
            text = text.replace(version.getKey(), System.getProperty(version.getValue(), version.getKey()));
        }
        return text.endsWith("\n") ? text : text + "\n";
    }

    private static String dedent(String text) {
        List<String> lines = List.of(text.split("\n", -1));
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            out.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return out.toString();
    }
}
