package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.locker.Locked;
import io.github.locker.Locker;
import io.github.locker.tck.LogCapture;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Quarkus the rules run at build time: an application referencing a locker that is not
 * configured, a key template naming a missing parameter, or a {@code @Locked} method returning a
 * lazy {@code Flow.Publisher}, does not build, and the message is the one Weld shows.
 */
class UnknownLockerFailsTheBuildTest {

    @ApplicationScoped
    public static class WrongReferences {
        @Inject
        @Named("orderz")
        Locker locker;

        @Locked(key = "checkin:{uidd}")
        public void checkIn(String uid) {
        }

        @Locked
        public Flow.Publisher<String> lazy() {
            return new SubmissionPublisher<>(); // publishes after the method returned, outside any lock
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(root -> root.addClasses(WrongReferences.class))
            .overrideConfigKey("locker.main.driver", "redis")
            .overrideConfigKey("redis.main.uri", "redis://127.0.0.1:6379")
            // the @QuarkusTest application excludes this bean (application.properties); this one must see it
            .overrideConfigKey("quarkus.arc.exclude-types", "NothingExcludedHere")
            .assertException(failure -> assertThat(LogCapture.chain(failure))
                    .contains("WrongReferences#locker references locker 'orderz', but no 'locker.orderz.driver' is "
                            + "configured. Configured lockers: [main].")
                    .contains("@Locked on 'WrongReferences#checkIn(String)' has key template 'checkin:{uidd}', "
                            + "but the method has no parameter 'uidd'. Parameters: [uid].")
                    .contains("@Locked on 'WrongReferences#lazy()' returns java.util.concurrent.Flow$Publisher, which does its work "
                            + "only when subscribed, after the method has returned"));

    @Test
    void theApplicationDoesNotBuild() {
        fail("the build should have failed");
    }
}
