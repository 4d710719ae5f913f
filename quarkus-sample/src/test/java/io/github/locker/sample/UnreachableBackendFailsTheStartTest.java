package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.locker.Locker;
import io.github.locker.tck.LogCapture;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code locker.<name>.connect-at-startup=true} on Quarkus: the application connects its locker
 * while it starts, and a backend it cannot use stops the start with the library's message (the
 * wrong-password case of the same check runs on Weld, in the TCK).
 */
class UnreachableBackendFailsTheStartTest {

    @ApplicationScoped
    public static class UsesTheLocker {
        @Inject
        Locker locker;
    }

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(root -> root.addClasses(UsesTheLocker.class))
            // the application must start (and fail) at run time; QuarkusUnitTest's split class loaders give ArC a
            // second copy of the CDI API there, a test artefact that a packaged application or @QuarkusTest does not have
            .setFlatClassPath(true)
            .overrideConfigKey("locker.main.driver", "redis")
            // nothing listens on port 1
            .overrideConfigKey("redis.main.uri", "redis://127.0.0.1:1")
            .overrideConfigKey("redis.main.timeout", "1s")
            .overrideConfigKey("locker.main.connect-at-startup", "true")
            .assertException(failure -> assertThat(LogCapture.chain(failure))
                    .contains("Locker 'main' could not use its backend redis.main while the application started "
                            + "(locker.main.connect-at-startup=true): Redis at 127.0.0.1:1 is unreachable")
                    .contains("set locker.main.connect-at-startup=false to connect on first use"));

    @Test
    void theApplicationDoesNotStart() {
        fail("the start should have failed");
    }
}
