package io.github.locker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void readsUnitsAndIsoDurations() {
        assertThat(Durations.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 3s ", "x")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("2m", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d", "x")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT3S", "x")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("0s", "x")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "three seconds", "3 sec", "-3s", "PT", "99999999999999999999s", "1.5s"})
    void rejectsAnythingElseNamingTheSetting(String text) {
        assertThatThrownBy(() -> Durations.parse(text, "locker.orders.lease-time"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("locker.orders.lease-time '" + text + "' is not a duration")
                .hasMessageContaining("500ms, 3s, 2m or PT3S");
    }

    @Test
    void rejectsBlank() {
        assertThatThrownBy(() -> Durations.parse(" ", "locker.a.wait-time"))
                .hasMessage("locker.a.wait-time must not be blank; write e.g. 500ms, 3s, 2m or PT3S");
    }
}
