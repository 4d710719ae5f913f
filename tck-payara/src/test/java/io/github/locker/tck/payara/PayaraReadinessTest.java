package io.github.locker.tck.payara;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.servers.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The library's readiness check on Payara Micro, as an operator reaches it: Payara's own MicroProfile
 * Health endpoint, {@code /health/ready} on the HTTP port, enabled by default, nothing configured.
 * An application with a Redis locker (an ACL user with a password) and an etcd locker, and no code
 * of its own: the check {@code locker} is UP with one entry per backend section; with Redis killed
 * the endpoint answers 503, the check DOWN naming the section and its address while etcd's stays
 * UP, and the password shows nowhere; with Redis back the check is UP again, without a redeployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PayaraReadinessTest {
    private static final String USER = "locker-health";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    private static RedisServer redis;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ArquillianResource
    URL application;

    @Deployment(testable = false)
    static WebArchive deployment() {
        redis = TestJvmServers.redis(RedisServer.withUser(USER, PASSWORD));
        // lockers 'orders' and 'jobs': their sections are redis.orders and etcd.jobs
        return PayaraWars.application("readiness", new RedisTckBackend(redis).configuration("orders")
                + "redis.orders.username=" + USER + "\nredis.orders.password=" + PASSWORD + "\n"
                + new EtcdTckBackend(TestJvmServers.etcd()).configuration("jobs"));
    }

    @AfterAll
    static void stopServers() {
        TestJvmServers.stopAll();
    }

    @Test
    void payarasReadinessEndpointFollowsEveryBackendSectionAndNeverShowsThePassword() {
        String redisAddress = "127.0.0.1:" + redis.process().port();

        Readiness up = readiness();
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        JsonObject check = up.lockerCheck();
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.getJsonObject("data").getString("redis.orders")).isEqualTo("UP Redis at " + redisAddress);
        assertThat(check.getJsonObject("data").getString("etcd.jobs")).startsWith("UP");
        assertThat(up.body()).doesNotContain(PASSWORD);

        redis.process().kill();
        Readiness down = readiness();
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        check = down.lockerCheck();
        assertThat(check.getString("status")).isEqualTo("DOWN");
        assertThat(check.getJsonObject("data").getString("redis.orders")).startsWith("DOWN").contains(redisAddress);
        assertThat(check.getJsonObject("data").getString("etcd.jobs")).as("another backend's section").startsWith("UP");
        assertThat(down.body()).doesNotContain(PASSWORD);

        redis.process().start();
        // the client reconnects on its own schedule: the check is UP once it has
        await("the check UP again after Redis came back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> readiness().status() == 200);
        assertThat(readiness().lockerCheck().getString("status")).isEqualTo("UP");
    }

    /** Payara's answer to {@code GET /health/ready}. */
    private record Readiness(int status, String body) {

        /** @return the check named {@code locker}: there is exactly one, the only application's */
        JsonObject lockerCheck() {
            // the JSON reader of a library the application carries anyway (Vert.x, under jetcd)
            List<JsonObject> checks = new JsonObject(body).getJsonArray("checks").stream().map(JsonObject.class::cast)
                    .filter(check -> "locker".equals(check.getString("name"))).toList();
            assertThat(checks).as("checks named 'locker' in " + body).hasSize(1);
            return checks.get(0);
        }
    }

    private Readiness readiness() {
        try {
            // the endpoint is the server's, at its root, not the application's
            URI ready = application.toURI().resolve("/health/ready");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Readiness(response.statusCode(), response.body());
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("GET /health/ready on Payara Micro failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
