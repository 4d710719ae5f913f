package io.github.locker.tck.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the TCK runs' Surefire reports into the README's compatibility table: driver x container
 * x case group, each cell "pass (n)" or "FAIL (failed/n)". Run by the build after the tests
 * ({@code tck-tests/target/tck-compatibility.md}; {@code tck-payara} writes the whole table, its
 * Payara runs included, to {@code tck-payara/target/tck-compatibility.md}). Tests that are not TCK runs (unit tests, the Weld-only
 * lifecycle tests) are left out; a skipped test counts neither way.
 */
public final class CompatibilityReport {
    private static final Pattern TEST_CASE = Pattern.compile(
            "<testcase name=\"([^\"]+)\" classname=\"([^\"]+)\"[^>]*?(/>|>(.*?)</testcase>)", Pattern.DOTALL);
    private static final String SHARED = "9a shared (read-write) locks";
    private static final String PERMITS = "9b leased semaphores";
    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("onlyOneHolderAtATimeAcrossNodesAndThreads", "1 exclusion and fencing"),
            Map.entry("threeProcessesOfEightThreadsNeverOverlapAndTheirTokensIncrease", "1 exclusion and fencing"),
            Map.entry("twoThreadsOnOneKeyNeverOverlapAndDifferentKeysRunInParallel", "1 exclusion and fencing"),
            Map.entry("fencingTokensStrictlyIncreasePerKey", "1 exclusion and fencing"),
            Map.entry("threeProcessesTakingOverlappingPairsOfKeysNeverHoldAKeyTwiceNorDeadlock", "1 exclusion and fencing"),
            Map.entry("callersWithOverlappingKeysInAnyOrderNeverDeadlockNorOverlap", "1 exclusion and fencing"),
            Map.entry("severalKeysAreTakenTogetherEachWithItsTokenAndCrossedTransfersNeverDeadlock", "1 exclusion and fencing"),
            Map.entry("aCrashedHolderFreesTheLockWithinItsLeaseAndASecond", "2 holder crash"),
            Map.entry("aHolderPausedPastItsLeaseLosesTheLockAndItsLateWriteIsRejected", "3 holder pause"),
            Map.entry("aHolderOfTwoKeysPausedPastTheirLeaseLosesThemAndItsLateWriteIsRejected", "3 holder pause"),
            Map.entry("aCrashedHolderOfTwoKeysFreesBothWithinTheirLeaseAndASecond", "2 holder crash"),
            Map.entry("leaseLostWhileTheBackendIsPausedIsReported", "3 holder pause"),
            Map.entry("aLeaseLostWhileTheMethodRunsIsAnnouncedAndFailsTheCall", "3 holder pause"),
            Map.entry("restartingTheBackendNeverMakesTwoHoldersAndServiceResumes", "4 backend restart"),
            Map.entry("serviceResumesAfterTheBackendRestarts", "4 backend restart"),
            Map.entry("backendStoppedWhileWaitingEndsInBackendExceptionWithinWaitTime", "4 backend restart"),
            Map.entry("killingTheLeaderMidContentionKeepsExclusionAndFencing", "5 cluster leader killed"),
            Map.entry("aStatelessEjbIsExclusivePerKeyAndParallelAcrossKeys", "1 exclusion and fencing"),
            Map.entry("aSingletonEjbWithReadConcurrencyIsExclusivePerKeyThroughTheLockAlone", "1 exclusion and fencing"),
            Map.entry("anApplicationScopedBeanIsExclusivePerKeyAndParallelAcrossKeys", "1 exclusion and fencing"),
            Map.entry("anEjbSeesTheFencingTokenOfItsLockInTheLockContext", "1 exclusion and fencing"),
            Map.entry("aLeaseLostInAnEjbIsAnnouncedAndFailsTheCall", "3 holder pause"),
            Map.entry("redisSectionsOfTwoPayaraJvmsNeverOverlapAndTheirTokensIncrease", "1 exclusion and fencing"),
            Map.entry("etcdSectionsOfTwoPayaraJvmsNeverOverlapAndTheirTokensIncrease", "1 exclusion and fencing"),
            Map.entry("readersAndWritersInThreeProcessesNeverPutAWriterBesideAnotherHolder", SHARED),
            Map.entry("sharedCallsRunTogetherAndNeverBesideAnExclusiveHolder", SHARED),
            Map.entry("threeProcessesNeverHoldMoreThanThreePermits", PERMITS),
            Map.entry("aPermitsMethodHasAtMostThatManyCallersInside", PERMITS),
            Map.entry("aCrashedSharedHolderFreesItsShareForAWriterWithinItsLeaseAndASecond", "2 holder crash"),
            Map.entry("aCrashedPermitHolderGivesItsPermitBackWithinItsLeaseAndASecond", "2 holder crash"),
            Map.entry("aSharedHolderPausedPastItsLeaseLosesItsShareAndItsLateWriteIsRejected", "3 holder pause"),
            Map.entry("aPermitHolderPausedPastItsLeaseLosesItsPermitAndItsLateWriteIsRejected", "3 holder pause"));

    private static final String WELD = "Weld SE 6.0.4 (Arquillian)";
    private static final String PAYARA = "Payara Micro 6.2025.10 (Arquillian)";
    private static final String PAYARA_EJB = "Payara Micro 6.2025.10, EJBs and a CDI bean (Arquillian)";

    private CompatibilityReport() {
    }

    /**
     * @param args one or more Surefire reports directories (one that does not exist is skipped: a
     *     module built alone), then the markdown file to write
     * @throws IOException when a report cannot be read or the table written
     */
    public static void main(String[] args) throws IOException {
        Map<String, int[]> cells = new TreeMap<>();
        for (String directory : List.of(args).subList(0, args.length - 1)) {
            if (Files.isDirectory(Path.of(directory))) {
                count(Path.of(directory), cells);
            }
        }
        StringBuilder table = new StringBuilder("| driver | container | case group | result |\n| --- | --- | --- | --- |\n");
        cells.forEach((cell, counts) -> table.append("| ").append(cell).append(" | ")
                .append(counts[1] == 0 ? "pass (" + counts[0] + ")" : "FAIL (" + counts[1] + "/" + counts[0] + ")")
                .append(" |\n"));
        Files.writeString(Path.of(args[args.length - 1]), table);
        System.out.print(table);
    }

    private static void count(Path directory, Map<String, int[]> cells) throws IOException {
        try (Stream<Path> reports = Files.list(directory)) {
            for (Path report : reports.filter(path -> path.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                Matcher testCase = TEST_CASE.matcher(Files.readString(report));
                while (testCase.find()) {
                    String row = row(testCase.group(2), testCase.group(1), report.getFileName().toString());
                    String body = testCase.group(4) == null ? "" : testCase.group(4);
                    if (row == null || body.contains("<skipped")) {
                        continue;
                    }
                    String group = row.startsWith("any |") ? "7 deployment validation"
                            : testCase.group(2).endsWith("LeaderLoopTest") ? "8 leader tasks"
                            : testCase.group(2).endsWith("SharedLockTest") ? SHARED
                            : testCase.group(2).endsWith("SemaphoreTest") ? PERMITS
                            : GROUPS.getOrDefault(testCase.group(1), "6 locking behaviour");
                    int[] cell = cells.computeIfAbsent(row + " | " + group, key -> new int[2]);
                    cell[0]++;
                    if (body.contains("<failure") || body.contains("<error")) {
                        cell[1]++;
                    }
                }
            }
        }
    }

    /** @return "driver | container" for a TCK run's test, or null for a test that is not a TCK run */
    private static String row(String testClass, String testMethod, String reportFile) {
        String row = placeOf(testClass, testMethod);
        return row == null || !reportFile.contains("-lettuce7") ? row : row + ", Lettuce 7.7";
    }

    private static String placeOf(String testClass, String testMethod) {
        // an execution's report suffix shows in the class name: RedisLockerTest(lettuce7)
        String simple = testClass.substring(testClass.lastIndexOf('.') + 1).replaceAll("\\(.*\\)$", "");
        // the Payara runs (module tck-payara) are named Payara<run>; a run across drivers names them in its methods
        boolean payara = simple.startsWith("Payara");
        String run = payara ? simple.substring("Payara".length()) : simple;
        String container = payara ? PAYARA : WELD;
        String driver = driverOf(run);
        if (run.equals("DeploymentValidationTest") || run.equals("WeldDeploymentValidationTest")) {
            return "any | " + container;
        }
        if (payara && run.equals("TwoInstancesTest") && driverOf(testMethod) != null) {
            return driverOf(testMethod) + " | two Payara Micro JVMs, @Locked EJB";
        }
        if (driver == null) {
            return null;
        }
        if (run.endsWith("LockedInterceptorTest")) {
            return driver + " | " + container;
        }
        if (payara && run.endsWith("EjbTest")) {
            return driver + " | " + PAYARA_EJB;
        }
        if (simple.endsWith("MultiNodeTest")) {
            return driver + " | separate JVMs, driver API";
        }
        if (simple.endsWith("LockerTest") || simple.endsWith("LeaderLoopTest") || simple.endsWith("SharedLockTest")
                || simple.endsWith("SemaphoreTest")) {
            return driver + " | one JVM, driver API";
        }
        return null;
    }

    private static String driverOf(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith("memory") ? "memory (one JVM)"
                : name.toLowerCase(Locale.ROOT).startsWith("redis") ? "redis"
                : name.toLowerCase(Locale.ROOT).startsWith("etcd") ? "etcd" : null;
    }
}
