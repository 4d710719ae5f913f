package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.tck.nodes.Journal;
import io.github.locker.tck.nodes.NodeProcess;
import io.github.locker.tck.servers.EtcdMember;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCK case 5: three node processes contend on a three-member etcd cluster, and the leader member
 * is killed mid-contention. The surviving majority keeps serving: the journal still shows no
 * overlap and strictly increasing tokens, and every node finishes its work.
 */
class EtcdClusterMultiNodeTest {
    @RegisterExtension
    static final EtcdServer CLUSTER = new EtcdServer(3);

    @TempDir
    Path files;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void killingTheLeaderMidContentionKeepsExclusionAndFencing() throws Exception {
        Path journal = files.resolve("journal");
        String key = "cluster:" + UUID.randomUUID();
        int iterations = 40;
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (int n = 1; n <= 3; n++) {
                nodes.add(NodeProcess.start("cluster-node-" + n, "etcd",
                        Map.of("endpoints", CLUSTER.endpoints(), "timeout", "2s"), key,
                        "contend", "8", Integer.toString(iterations), journal.toString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Journal.verify(journal).sections() < 3 * 8 * iterations / 3) {
                assertThat(System.nanoTime()).as("a third of the sections within 60 s").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(50);
            }
            EtcdMember leader = CLUSTER.leader();
            int beforeKill = Journal.verify(journal).sections();
            leader.process().kill();

            int reported = 0;
            for (NodeProcess node : nodes) {
                String done = node.await("DONE", Duration.ofSeconds(150));
                System.out.printf("EtcdClusterMultiNodeTest: %s%n", done);
                reported += Integer.parseInt(done.replaceAll(".*sections=(\\d+).*", "$1"));
            }
            Journal.Verdict verdict = Journal.verify(journal);
            System.out.printf("EtcdClusterMultiNodeTest: %d sections, %d of them after the leader was killed%n",
                    verdict.sections(), verdict.sections() - beforeKill);
            assertThat(verdict.problems()).as("overlaps and tokens out of order").isEmpty();
            // acquisitions that failed during the election are allowed (the nodes count them); the rest ran
            assertThat(verdict.sections()).as("sections the nodes report").isEqualTo(reported);
            assertThat(verdict.sections() - beforeKill).as("sections after the kill").isPositive();
            leader.process().start();
        } finally {
            for (NodeProcess node : nodes) {
                node.close();
            }
        }
    }
}
