package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.nodes.Journal;
import io.github.locker.tck.nodes.NodeMain;
import io.github.locker.tck.nodes.NodeProcess;
import io.github.locker.tck.servers.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCK's safety cases, across separate JVM processes: each node is its own process with its own
 * connection, and an independent witness (a journal file, a fenced register) records what they did.
 * A driver's test extends this class and names its backend and server; the server must keep its
 * data across a restart (Redis with AOF {@code appendfsync always}; etcd always does).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class MultiNodeContract {
    private final List<NodeProcess> nodes = new ArrayList<>();
    /** Unique per test: tests never share a lock. */
    private String key;
    @TempDir
    Path files;

    /** @return the driver and server under test; the server must keep its data across a restart */
    protected abstract TckBackend backend();

    private String driver() {
        return backend().driver();
    }

    private ServerProcess server() {
        return backend().server();
    }

    private Duration lease() {
        return backend().shortLease();
    }

    private int iterations() {
        return backend().contentionIterations();
    }

    @BeforeEach
    void uniqueKey(TestInfo test) {
        key = test.getTestMethod().orElseThrow().getName() + ":" + UUID.randomUUID();
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (!server().isRunning()) {
            server().start();
        }
    }

    private NodeProcess node(String name, String... mode) {
        NodeProcess node = NodeProcess.start(name, driver(), backend().section(), key, mode);
        nodes.add(node);
        return node;
    }

    @Test
    void threeProcessesOfEightThreadsNeverOverlapAndTheirTokensIncrease() throws Exception {
        Journal.Verdict verdict = contendInThreeProcesses("contend", iterations());
        assertThat(verdict.mostInsideAtOnce()).as("sections at once").isEqualTo(1);
    }

    @Test
    void readersAndWritersInThreeProcessesNeverPutAWriterBesideAnotherHolder() throws Exception {
        Journal.Verdict verdict = contendInThreeProcesses("contend-shared", Math.max(10, iterations() / 3));
        assertThat(verdict.mostInsideAtOnce()).as("readers overlapped").isGreaterThan(1);
    }

    @Test
    void threeProcessesNeverHoldMoreThanThreePermits() throws Exception {
        Journal.Verdict verdict = contendInThreeProcesses("contend-permits", Math.max(10, iterations() / 3), "3");
        assertThat(verdict.mostInsideAtOnce()).as("permits held at once").isBetween(2, 3);
    }

    /**
     * Three processes of eight threads each run {@code mode}, recording their sections in one
     * journal: none may break its rules (see {@link Journal}).
     */
    private Journal.Verdict contendInThreeProcesses(String mode, int rounds, String... extra) throws Exception {
        Path journal = files.resolve("journal");
        long start = System.nanoTime();
        for (int n = 1; n <= 3; n++) {
            List<String> arguments = new ArrayList<>(List.of(mode, "8", Integer.toString(rounds), journal.toString()));
            arguments.addAll(List.of(extra));
            node("contender-" + n, arguments.toArray(String[]::new));
        }
        int reported = 0;
        int backendErrors = 0;
        for (NodeProcess node : nodes) {
            String done = node.await("DONE", Duration.ofSeconds(150));
            reported += Integer.parseInt(done.replaceAll(".*sections=(\\d+).*", "$1"));
            backendErrors += Integer.parseInt(done.replaceAll(".*backend-errors=(\\d+).*", "$1"));
        }
        Journal.Verdict verdict = Journal.verify(journal);
        System.out.printf("%s: %s: %d critical sections by 3 processes x 8 threads in %d ms, at most %d at once, %d backend errors%n",
                getClass().getSimpleName(), mode, verdict.sections(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                verdict.mostInsideAtOnce(), backendErrors);
        assertThat(verdict.problems()).as("overlaps, bounds passed and tokens out of order").isEmpty();
        assertThat(verdict.sections()).as("every section a node ran is in the journal").isEqualTo(reported);
        // a healthy backend answers: an overloaded machine may time out a request now and then, never more
        assertThat(backendErrors).as("backend errors").isLessThanOrEqualTo(3 * 8 * rounds / 100);
        // a round whose release failed after its section ran counts on both sides
        assertThat(reported).as("every round ran or failed clearly")
                .isBetween(3 * 8 * rounds - backendErrors, 3 * 8 * rounds);
        return verdict;
    }

    @Test
    void threeProcessesTakingOverlappingPairsOfKeysNeverHoldAKeyTwiceNorDeadlock() throws Exception {
        Path journals = Files.createDirectories(files.resolve("pairs"));
        int rounds = Math.max(10, iterations() / 2);
        long start = System.nanoTime();
        for (int n = 1; n <= 3; n++) {
            node("pairs-" + n, "contend-pairs", "4", Integer.toString(rounds), journals.toString());
        }
        int reported = 0;
        for (NodeProcess node : nodes) {
            reported += Integer.parseInt(node.await("DONE", Duration.ofSeconds(150)).replaceAll(".*rounds=(\\d+).*", "$1"));
        }
        int sections = 0;
        for (String name : NodeMain.PAIRED_KEYS) {
            Journal.Verdict verdict = Journal.verify(journals.resolve(name));
            assertThat(verdict.problems()).as("overlaps and tokens out of order on key " + name).isEmpty();
            sections += verdict.sections();
        }
        System.out.printf("%s: %d rounds of two keys out of three by 3 processes x 4 threads in %d ms%n",
                getClass().getSimpleName(), reported, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(reported).as("every round of every thread").isEqualTo(3 * 4 * rounds);
        assertThat(sections).as("two keys' sections per round").isEqualTo(2 * reported);
    }

    @Test
    void aCrashedHolderFreesTheLockWithinItsLeaseAndASecond() throws Exception {
        crashedHolderFreesWithinItsLease("hold", "acquire", "the lock");
    }

    @Test
    void aCrashedHolderOfTwoKeysFreesBothWithinTheirLeaseAndASecond() throws Exception {
        crashedHolderFreesWithinItsLease("hold-pair", "acquire-pair", "both keys");
    }

    @Test
    void aCrashedSharedHolderFreesItsShareForAWriterWithinItsLeaseAndASecond() throws Exception {
        crashedHolderFreesWithinItsLease("hold-shared", "acquire", "the lock its share held");
    }

    @Test
    void aCrashedPermitHolderGivesItsPermitBackWithinItsLeaseAndASecond() throws Exception {
        crashedHolderFreesWithinItsLease("hold-permit", "acquire-permit", "the permit");
    }

    @Test
    void aSharedHolderPausedPastItsLeaseLosesItsShareAndItsLateWriteIsRejected() throws Exception {
        pausedHolderLosesAndItsLateWriteIsRejected("hold-shared", "acquire");
    }

    @Test
    void aPermitHolderPausedPastItsLeaseLosesItsPermitAndItsLateWriteIsRejected() throws Exception {
        pausedHolderLosesAndItsLateWriteIsRejected("hold-permit", "acquire-permit");
    }

    @Test
    void aHolderPausedPastItsLeaseLosesTheLockAndItsLateWriteIsRejected() throws Exception {
        pausedHolderLosesAndItsLateWriteIsRejected("hold", "acquire");
    }

    @Test
    void aHolderOfTwoKeysPausedPastTheirLeaseLosesThemAndItsLateWriteIsRejected() throws Exception {
        pausedHolderLosesAndItsLateWriteIsRejected("hold-pair", "acquire-pair");
    }

    /** A holder killed with SIGKILL: the waiter gets what it held within the lease and a second. */
    private void crashedHolderFreesWithinItsLease(String holdMode, String acquireMode, String what) throws Exception {
        Path register = files.resolve("register");
        NodeProcess holder = node("holder", holdMode, Long.toString(lease().toMillis()), register.toString());
        holder.await("HELD", Duration.ofSeconds(20));
        NodeProcess waiter = node("waiter", acquireMode, "60000", Long.toString(lease().toMillis()), register.toString());
        waiter.await("WAITING", Duration.ofSeconds(20));
        TimeUnit.MILLISECONDS.sleep(500); // let the waiter queue behind the holder: nothing it prints says it has

        holder.kill();
        long killedAt = System.nanoTime();
        assertThat(waiter.await("ACQUIRED", lease().plusSeconds(10))).as("the waiter's fenced write").endsWith(" true");
        Duration freedAfter = Duration.ofNanos(System.nanoTime() - killedAt);

        System.out.printf("%s: the waiter got %s %d ms after the holder was killed (lease %d ms)%n",
                getClass().getSimpleName(), what, freedAfter.toMillis(), lease().toMillis());
        assertThat(freedAfter).isLessThanOrEqualTo(lease().plusSeconds(1));
    }

    /** A holder frozen with SIGSTOP past its lease: it finds its lock lost, its late write is fenced off, its unlock deletes nothing. */
    private void pausedHolderLosesAndItsLateWriteIsRejected(String holdMode, String acquireMode) throws Exception {
        Path register = files.resolve("register");
        NodeProcess holder = node("holder", holdMode, Long.toString(lease().toMillis()), register.toString());
        long oldToken = Long.parseLong(holder.await("HELD", Duration.ofSeconds(20)).split(" ")[1]);
        holder.pause();

        NodeProcess next = node("next", acquireMode, Long.toString(lease().multipliedBy(4).toMillis()),
                Long.toString(lease().multipliedBy(10).toMillis()), register.toString());
        next.await("WAITING", Duration.ofSeconds(20));
        String[] acquired = next.await("ACQUIRED", lease().multipliedBy(4).plusSeconds(20)).split(" ");
        assertThat(Long.parseLong(acquired[1])).as("the new holder's token").isGreaterThan(oldToken);
        assertThat(acquired[2]).as("the new holder's write").isEqualTo("true");

        holder.resume();
        holder.send("ISHELD");
        assertThat(holder.await("ISHELD", Duration.ofSeconds(10))).isEqualTo("ISHELD false");
        holder.send("WRITE");
        assertThat(holder.await("WRITE", Duration.ofSeconds(10))).as("the late write, fenced").isEqualTo("WRITE false");
        holder.send("UNLOCK");
        assertThat(holder.await("UNLOCKED", Duration.ofSeconds(10))).as("owner-only unlock").isEqualTo("UNLOCKED false");
        next.send("ISHELD");
        assertThat(next.await("ISHELD", Duration.ofSeconds(10))).as("the new holder's lock survived").isEqualTo("ISHELD true");
    }





    @Test
    void restartingTheBackendNeverMakesTwoHoldersAndServiceResumes() throws Exception {
        Path journal = files.resolve("journal");
        node("contender-1", "contend", "4", Integer.toString(iterations()), journal.toString());
        node("contender-2", "contend", "4", Integer.toString(iterations()), journal.toString());
        awaitSections(journal, 3 * iterations(), Duration.ofSeconds(60));

        server().kill();
        try (LockerBackend observer = LockerDriver.find(driver()).orElseThrow()
                .connect(BackendConfig.of(driver(), "tck", withShortTimeout(backend().section())))) {
            assertThatThrownBy(() -> observer.locker("observer", LockOptions.defaults(), "locker:tck:").tryLock(key))
                    .as("a clear error while the backend is down").isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("127.0.0.1");
        } catch (LockBackendException cannotEvenConnect) {
            assertThat(cannotEvenConnect).hasMessageContaining("127.0.0.1");
        }
        int beforeRestart = Journal.verify(journal).sections();
        server().start();

        for (NodeProcess node : nodes) {
            System.out.printf("%s: %s%n", getClass().getSimpleName(), node.await("DONE", Duration.ofSeconds(150)));
        }
        Journal.Verdict verdict = Journal.verify(journal);
        assertThat(verdict.problems()).as("overlaps and tokens out of order").isEmpty();
        assertThat(verdict.sections()).as("sections after the restart, without restarting the nodes")
                .isGreaterThan(beforeRestart);
    }

    private static Map<String, String> withShortTimeout(Map<String, String> backend) {
        Map<String, String> quick = new java.util.HashMap<>(backend);
        quick.put("timeout", "1s");
        return quick;
    }

    private static void awaitSections(Path journal, int sections, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Journal.verify(journal).sections() < sections) {
            assertThat(System.nanoTime()).as("%d sections within %s", sections, timeout).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
