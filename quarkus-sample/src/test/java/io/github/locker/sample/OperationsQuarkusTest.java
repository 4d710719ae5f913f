package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What an operator of the sample sees: the lockers' readiness in {@code /q/health/ready}, their meters in {@code /q/metrics}. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class OperationsQuarkusTest {
    private static final Pattern ACQUIRED = Pattern.compile(
            "locker_acquire_seconds_count\\{[^}]*locker=\"main\"[^}]*outcome=\"acquired\"[^}]*} ([0-9.E]+)");

    @TestHTTPResource("/")
    URI root;

    @Test
    void readinessReportsTheLockersRedisUp() {
        Http.Answer ready = Http.get(root, "/q/health/ready");

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("status").asText()).isEqualTo("UP");
        assertThat(ready.raw()).contains("\"redis.main\"").contains("UP Redis at 127.0.0.1:");
    }

    @Test
    void aCheckInShowsInTheLockersMetrics() {
        double before = acquisitions(Http.get(root, "/q/metrics").raw());

        assertThat(Http.post(root, "/checkins/u-" + UUID.randomUUID()).status()).isEqualTo(201);

        String scrape = Http.get(root, "/q/metrics").raw();
        assertThat(acquisitions(scrape)).as("the check-in's lock").isGreaterThanOrEqualTo(before + 1);
        assertThat(scrape).contains("locker_locks_held{").contains("locker_acquire_seconds_sum{")
                .contains("locker_hold_seconds_count{");
    }

    private static double acquisitions(String scrape) {
        Matcher count = ACQUIRED.matcher(scrape);
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }
}
