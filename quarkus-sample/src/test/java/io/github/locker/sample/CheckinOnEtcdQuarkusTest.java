package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.Locker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** One property, {@code locker.main.driver=etcd}, moves the sample's locks onto etcd; the check-in behaves the same. */
@QuarkusTest
@WithTestResource(RedisResource.class)
@WithTestResource(EtcdResource.class)
class CheckinOnEtcdQuarkusTest {
    @TestHTTPResource("/")
    URI root;
    @Inject
    @Named("main")
    Locker locker;
    @ConfigProperty(name = "etcd.main.endpoints")
    String endpoints;

    @Test
    void theLocksAreOnEtcdAndACheckInIsRewardedOnceFencedWithAnEtcdRevision() {
        String uid = "u-" + UUID.randomUUID();
        Http.Answer first = Http.post(root, "/checkins/" + uid);
        Http.Answer second = Http.post(root, "/checkins/" + uid);

        assertThat(locker).hasToString("Locker[main on etcd at " + URI.create(endpoints).getAuthority() + "]");
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("outcome").asText()).isEqualTo("already-checked-in");
        assertThat(first.body().path("checkin").path("fencingToken").asLong()).as("an etcd create revision").isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(root, "/leader").body().path("leader").asBoolean());
    }
}
