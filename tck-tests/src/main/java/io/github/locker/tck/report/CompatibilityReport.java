package io.github.locker.tck.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the TCK runs' Surefire reports into the README's compatibility table: driver x container
 * x case group, each cell "pass (n)" or "FAIL (failed/n)". Run by the build after the tests
 * ({@code target/tck-compatibility.md}). Tests that are not TCK runs (unit tests, the Weld-only
 * lifecycle tests) are left out; a skipped test counts neither way.
 */
public final class CompatibilityReport {
    private static final Pattern TEST_CASE = Pattern.compile(
            "<testcase name=\"([^\"]+)\" classname=\"([^\"]+)\"[^>]*?(/>|>(.*?)</testcase>)", Pattern.DOTALL);
    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("onlyOneHolderAtATimeAcrossNodesAndThreads", "1 exclusion and fencing"),
            Map.entry("threeProcessesOfEightThreadsNeverOverlapAndTheirTokensIncrease", "1 exclusion and fencing"),
            Map.entry("twoThreadsOnOneKeyNeverOverlapAndDifferentKeysRunInParallel", "1 exclusion and fencing"),
            Map.entry("fencingTokensStrictlyIncreasePerKey", "1 exclusion and fencing"),
            Map.entry("aCrashedHolderFreesTheLockWithinItsLeaseAndASecond", "2 holder crash"),
            Map.entry("aHolderPausedPastItsLeaseLosesTheLockAndItsLateWriteIsRejected", "3 holder pause"),
            Map.entry("leaseLostWhileTheBackendIsPausedIsReported", "3 holder pause"),
            Map.entry("aLeaseLostWhileTheMethodRunsIsAnnouncedAndFailsTheCall", "3 holder pause"),
            Map.entry("restartingTheBackendNeverMakesTwoHoldersAndServiceResumes", "4 backend restart"),
            Map.entry("serviceResumesAfterTheBackendRestarts", "4 backend restart"),
            Map.entry("backendStoppedWhileWaitingEndsInBackendExceptionWithinWaitTime", "4 backend restart"),
            Map.entry("killingTheLeaderMidContentionKeepsExclusionAndFencing", "5 cluster leader killed"));

    private CompatibilityReport() {
    }

    /**
     * @param args the Surefire reports directory, then the markdown file to write
     * @throws IOException when a report cannot be read or the table written
     */
    public static void main(String[] args) throws IOException {
        Map<String, int[]> cells = new TreeMap<>();
        try (Stream<Path> reports = Files.list(Path.of(args[0]))) {
            for (Path report : reports.filter(path -> path.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                Matcher testCase = TEST_CASE.matcher(Files.readString(report));
                while (testCase.find()) {
                    String row = row(testCase.group(2), report.getFileName().toString());
                    if (row == null) {
                        continue;
                    }
                    String body = testCase.group(4) == null ? "" : testCase.group(4);
                    if (body.contains("<skipped")) {
                        continue;
                    }
                    String group = row.startsWith("any |") ? "7 deployment validation"
                            : GROUPS.getOrDefault(testCase.group(1), "6 locking behaviour");
                    int[] cell = cells.computeIfAbsent(row + " | " + group, key -> new int[2]);
                    cell[0]++;
                    if (body.contains("<failure") || body.contains("<error")) {
                        cell[1]++;
                    }
                }
            }
        }
        StringBuilder table = new StringBuilder("| driver | container | case group | result |\n| --- | --- | --- | --- |\n");
        cells.forEach((cell, counts) -> table.append("| ").append(cell).append(" | ")
                .append(counts[1] == 0 ? "pass (" + counts[0] + ")" : "FAIL (" + counts[1] + "/" + counts[0] + ")")
                .append(" |\n"));
        Files.writeString(Path.of(args[1]), table);
        System.out.print(table);
    }

    /** @return "driver | container" for a TCK run's class, or null for a test that is not a TCK run */
    private static String row(String testClass, String reportFile) {
        String row = placeOf(testClass);
        return row == null || !reportFile.contains("-lettuce7") ? row : row + ", Lettuce 7.7";
    }

    private static String placeOf(String testClass) {
        // an execution's report suffix shows in the class name: RedisLockerTest(lettuce7)
        String simple = testClass.substring(testClass.lastIndexOf('.') + 1).replaceAll("\\(.*\\)$", "");
        String driver = simple.startsWith("Redis") ? "redis" : simple.startsWith("Etcd") ? "etcd" : null;
        if (simple.equals("WeldDeploymentValidationTest")) {
            return "any | Weld SE 6.0.4 (Arquillian)";
        }
        if (driver == null) {
            return null;
        }
        if (simple.endsWith("LockedInterceptorTest")) {
            return driver + " | Weld SE 6.0.4 (Arquillian)";
        }
        if (simple.endsWith("MultiNodeTest")) {
            return driver + " | separate JVMs, driver API";
        }
        if (simple.endsWith("LockerTest")) {
            return driver + " | one JVM, driver API";
        }
        return null;
    }
}
