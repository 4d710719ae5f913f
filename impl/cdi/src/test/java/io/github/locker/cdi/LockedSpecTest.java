package io.github.locker.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locked;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which {@code @Locked} governs a method, and the options it gives: the rules both extensions and the interceptor use. */
class LockedSpecTest {
    private static final LockOptions DEFAULTS = LockOptions.defaults().withWaitTime(Duration.ofSeconds(7))
            .withRetry(3, Duration.ofMillis(100));

    @Test
    void theMethodsAnnotationWinsElseTheClassesForABusinessMethodOnly() {
        assertThat(LockedSpec.governing("method", "class", true)).contains("method");
        assertThat(LockedSpec.governing("method", null, false)).as("a method's own, even if not a business method")
                .contains("method");
        assertThat(LockedSpec.governing(null, "class", true)).contains("class");
        assertThat(LockedSpec.governing(null, "class", false)).as("a private or static method of a @Locked class").isEmpty();
        assertThat(LockedSpec.governing(null, null, true)).isEmpty();
    }

    @Test
    void theAnnotationsMembersOverrideTheLockersDefaults() {
        LockOptions options = spec("2s", "500ms", false, Locked.Contention.WAIT).options(DEFAULTS);
        assertThat(options.waitTime()).contains(Duration.ofSeconds(2));
        assertThat(options.leaseTime()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.keepAlive()).isFalse();
        assertThat(options.retryCount()).as("the locker's retry stays").isEqualTo(3);
        assertThat(spec("", "", true, Locked.Contention.WAIT).options(DEFAULTS)).as("nothing set").isEqualTo(DEFAULTS);
    }

    @Test
    void failMakesOneAttemptAndSkipDoesUnlessItWaits() {
        assertOneAttempt(spec("2s", "", true, Locked.Contention.FAIL).options(DEFAULTS));
        LockOptions skipping = spec("", "", true, Locked.Contention.SKIP).options(DEFAULTS.waitForever());
        assertOneAttempt(skipping);
        assertThat(spec("2s", "", true, Locked.Contention.SKIP).options(DEFAULTS).waitTime()).as("SKIP with its own wait")
                .contains(Duration.ofSeconds(2));
    }

    private static void assertOneAttempt(LockOptions options) {
        assertThat(options.waitTime()).contains(Duration.ZERO);
        assertThat(options.retryCount()).isZero();
    }

    private static LockedSpec spec(String waitTime, String leaseTime, boolean keepAlive, Locked.Contention onContention) {
        return new LockedSpec(List.of(), "", waitTime, leaseTime, keepAlive, onContention, "", LockMode.EXCLUSIVE, 0);
    }
}
