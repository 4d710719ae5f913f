package io.github.locker.tck.payara;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.tck.servers.RedisServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's Payara quick start, deployed as its own build made it: the WAR consumer-check built
 * from the quick start's pom.xml, bean, resource and microprofile-config.properties, with only the
 * Redis URI in that file pointed at a real server this test starts. Two check-ins through its REST
 * resource: the first rewards, the second does not.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PayaraQuickStartTest {
    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    @ArquillianResource
    URL application;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        Path built = Path.of(System.getProperty("locker.payara.quickStartWar"));
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException(built + " does not exist: the consumer-check module builds it, before this one");
        }
        RedisServer redis = TestJvmServers.redis();
        WebArchive war = ShrinkWrap.create(ZipImporter.class, "quickstart.war").importFrom(built.toFile()).as(WebArchive.class);
        String config = new String(war.get(CONFIG).getAsset().openStream().readAllBytes(), StandardCharsets.UTF_8);
        war.delete(CONFIG);
        return war.add(new StringAsset(config.replace("redis://127.0.0.1:6379", redis.uri())), CONFIG);
    }

    @AfterAll
    static void stopServers() {
        TestJvmServers.stopAll();
    }

    @Test
    void theQuickStartsLockedMethodRewardsTheFirstCheckInOnly() throws IOException, InterruptedException, URISyntaxException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest checkIn = HttpRequest.newBuilder(application.toURI().resolve("api/checkins/user-1"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();

        HttpResponse<String> first = http.send(checkIn, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = http.send(checkIn, HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("rewarded");
        assertThat(second.body()).isEqualTo("already checked in");
    }
}
