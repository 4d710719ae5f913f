package io.github.locker.tck.payara;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.nodes.Journal;
import io.github.locker.tck.payara.arquillian.PayaraMicroInstance;
import io.github.locker.tck.payara.arquillian.PayaraMicroSettings;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Payara Micro JVMs, the shared one and a second this class starts, run the same application
 * and call the same {@code @Locked} enterprise bean method on the same key from several requests at
 * once. Every section is written to one journal file, the witness: no two sections overlap, and
 * the fencing tokens the sections read strictly increase, across both JVMs.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PayaraTwoInstancesTest {
    private static final int CALLERS_PER_INSTANCE = 4;

    private static WebArchive application;
    private static PayaraMicroInstance second;
    private static URI onSecond;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ArquillianResource
    URL onFirst;

    @Deployment(testable = false)
    static WebArchive deployment() {
        application = PayaraWars.contention(new RedisTckBackend(TestJvmServers.redis()), new EtcdTckBackend(TestJvmServers.etcd()));
        return application;
    }

    @BeforeAll
    static void startTheSecondInstance() {
        second = PayaraMicroInstance.start(new PayaraMicroSettings(), "payara-micro-second");
        onSecond = second.deploy(application);
    }

    @AfterAll
    static void stopTheSecondInstanceAndTheServers() {
        if (second != null) {
            second.close();
        }
        TestJvmServers.stopAll();
    }

    @Test
    void redisSectionsOfTwoPayaraJvmsNeverOverlapAndTheirTokensIncrease() throws Exception {
        contend("redis", 25);
    }

    /** Fewer rounds: every etcd acquisition is a consensus write. */
    @Test
    void etcdSectionsOfTwoPayaraJvmsNeverOverlapAndTheirTokensIncrease() throws Exception {
        contend("etcd", 10);
    }

    private void contend(String locker, int rounds) throws Exception {
        Map<String, URI> instances = Map.of("first", onFirst.toURI(), "second", onSecond);
        // each JVM connects on its first call: warmed up, neither runs all its sections while the other connects
        Path warmUp = journal(locker + "-warm-up");
        for (Map.Entry<String, URI> instance : instances.entrySet()) {
            assertAnswered(call(instance.getValue(), locker, UUID.randomUUID().toString(), 1, warmUp, instance.getKey()));
        }

        Path journal = journal(locker);
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        instances.forEach((instance, root) -> {
            for (int caller = 0; caller < CALLERS_PER_INSTANCE; caller++) {
                calls.add(call(root, locker, key, rounds, journal, instance + "/" + caller));
            }
        });
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertAnswered(call);
        }

        Journal.Verdict verdict = Journal.verify(journal);
        assertThat(verdict.problems()).as("overlaps and tokens out of order in " + journal).isEmpty();
        assertThat(verdict.sections()).isEqualTo(instances.size() * CALLERS_PER_INSTANCE * rounds);
        List<String> enteringJvms = Files.readAllLines(journal).stream().filter(line -> line.startsWith("E "))
                .map(line -> line.split(" ")[2].split("/")[0]).toList();
        int turns = 1;
        for (int i = 1; i < enteringJvms.size(); i++) {
            turns += enteringJvms.get(i).equals(enteringJvms.get(i - 1)) ? 0 : 1;
        }
        assertThat(turns).as("times the lock passed between the JVMs and back, plus one").isGreaterThan(2);
    }

    private CompletableFuture<HttpResponse<String>> call(URI root, String locker, String key, int rounds, Path journal, String node) {
        URI contend = root.resolve("contend?locker=" + locker + "&key=" + key + "&rounds=" + rounds
                + "&journal=" + URLEncoder.encode(journal.toString(), StandardCharsets.UTF_8) + "&node=" + node);
        return http.sendAsync(HttpRequest.newBuilder(contend).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswered(CompletableFuture<HttpResponse<String>> call) throws Exception {
        HttpResponse<String> response = call.get(3, TimeUnit.MINUTES);
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(200);
    }

    private static Path journal(String name) {
        return Path.of(System.getProperty("locker.payara.workDir", "target/payara"))
                .resolve("journal-" + name + "-" + UUID.randomUUID()).toAbsolutePath();
    }
}
