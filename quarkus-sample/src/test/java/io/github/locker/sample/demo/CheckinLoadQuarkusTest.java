package io.github.locker.sample.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.sample.RedisResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The demo's load client against the application under test: its report, and the one reward per user it checks. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class CheckinLoadQuarkusTest {
    @TestHTTPResource("/")
    URI root;

    @Test
    void aHundredAndFiftySimultaneousCheckInsForThreeUsersRewardEachOnceAndTheReportSaysSo() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> users = IntStream.rangeClosed(1, 3).mapToObj(user -> "load-" + run + "-" + user).toList();
        Instances instances = new Instances(Map.of("node-1", root));

        CheckinLoad.Report report = new CheckinLoad(instances, users, 150).run();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        report.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(report.exactlyOneRewardPerUser()).isTrue();
        assertThat(report.storedRewards()).containsOnlyKeys(users).allSatisfy((user, rewards) -> assertThat(rewards).isEqualTo(1));
        assertThat(report.answers()).hasSize(150).allSatisfy(answer -> assertThat(answer.node()).isEqualTo("node-1"));
        assertThat(report.leader()).isEqualTo("node-1");
        assertThat(report.lockWaitPercentile(50)).isLessThanOrEqualTo(report.lockWaitPercentile(99));
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("150 check-ins for 3 users, sent at once to 1 instance")
                .contains("requests per instance: node-1 150")
                .contains("201 rewarded 3")
                .contains("-> exactly one each")
                .contains("settlement leader:     node-1");
    }
}
