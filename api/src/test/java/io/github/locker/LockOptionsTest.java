package io.github.locker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.spi.BackendConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockOptionsTest {

    @Test
    void defaultsAreSixtySecondLeaseKeptAliveWaitingForeverWithoutRetry() {
        LockOptions defaults = LockOptions.defaults();
        assertThat(defaults.leaseTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.keepAlive()).isTrue();
        assertThat(defaults.waitTime()).isEmpty();
        assertThat(defaults.retryCount()).isZero();
    }

    @Test
    void withersReturnNewValuesAndLeaveTheOriginalAlone() {
        LockOptions defaults = LockOptions.defaults();
        LockOptions changed = defaults.withLeaseTime(Duration.ofSeconds(5)).withKeepAlive(false)
                .withWaitTime(Duration.ofSeconds(3)).withRetry(2, Duration.ofMillis(100));

        assertThat(changed.leaseTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(changed.keepAlive()).isFalse();
        assertThat(changed.waitTime()).contains(Duration.ofSeconds(3));
        assertThat(changed.retryCount()).isEqualTo(2);
        assertThat(changed.retryInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults).isEqualTo(LockOptions.defaults());
        assertThat(changed.waitForever().waitTime()).isEmpty();
        assertThat(changed).isEqualTo(defaults.withLeaseTime(Duration.ofSeconds(5)).withKeepAlive(false)
                .withWaitTime(Duration.ofSeconds(3)).withRetry(2, Duration.ofMillis(100)));
    }

    @Test
    void invalidValuesAreRejectedNamingTheArgumentAndValue() {
        LockOptions options = LockOptions.defaults();
        assertThatThrownBy(() -> options.withLeaseTime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseTime must be at least 1 ms, was PT0S");
        assertThatThrownBy(() -> options.withLeaseTime(null)).hasMessageContaining("leaseTime must not be null");
        assertThatThrownBy(() -> options.withWaitTime(Duration.ofSeconds(-2))).hasMessage("waitTime must not be negative, was PT-2S");
        assertThatThrownBy(() -> options.withRetry(-1, Duration.ZERO)).hasMessage("retry count must not be negative, was -1");
        assertThatThrownBy(() -> options.withRetry(1, null)).hasMessageContaining("retry interval must not be null");
    }

    @Test
    void backendConfigNeverShowsASecret() {
        BackendConfig config = BackendConfig.of("redis", "main", Map.of(
                "uri", "redis://alice:hunter2@127.0.0.1:6379/0,redis://:hunter3@h2:6380",
                "password", "hunter4", "timeout", "3s"));

        assertThat(config.toString())
                .doesNotContain("hunter2", "hunter3", "hunter4")
                .contains("redis.main{", "password=****", "redis://alice:****@127.0.0.1:6379/0", "timeout=3s");
        assertThat(config.get("password")).contains("hunter4");
        assertThat(config.get("missing")).isEmpty();
    }

    @Test
    void holdAtLeastIsNeverNegativeNorLongerThanTheLease() {
        LockOptions options = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30)).withHoldAtLeast(Duration.ofSeconds(10));
        assertThat(options.holdAtLeast()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options).isNotEqualTo(LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30)));
        assertThat(options.toString()).contains("holdAtLeast=PT10S");
        assertThatThrownBy(() -> LockOptions.defaults().withHoldAtLeast(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdAtLeast must not be negative");
        assertThatThrownBy(() -> LockOptions.defaults().withHoldAtLeast(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdAtLeast must not be longer than the lease time (PT1M), was PT2M: set the lease time first");
        assertThatThrownBy(() -> options.withLeaseTime(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than holdAtLeast");
        assertThatThrownBy(() -> LockOptions.defaults().withHoldAtLeast(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
