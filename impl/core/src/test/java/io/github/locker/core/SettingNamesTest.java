package io.github.locker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingNamesTest {
    private static final Set<String> LOCKER = Set.of("driver", "instance", "lease-time", "wait-time", "keep-alive");

    @Test
    void aTypoIsAnsweredWithTheSettingMeant() {
        assertThat(SettingNames.unknown("locker.orders", Set.of("lease-tme", "driver"), LOCKER))
                .containsExactly("'locker.orders.lease-tme' is not a setting of locker.orders: did you mean "
                        + "'locker.orders.lease-time'?");
        assertThat(SettingNames.closest("keepalive", LOCKER)).contains("keep-alive");
        assertThat(SettingNames.closest("Wait-Time", LOCKER)).contains("wait-time");
    }

    @Test
    void aNameFarFromEverySettingListsThemInstead() {
        assertThat(SettingNames.unknown("locker.orders", Set.of("colour"), LOCKER))
                .containsExactly("'locker.orders.colour' is not a setting of locker.orders: remove it (its settings are "
                        + "[driver, instance, keep-alive, lease-time, wait-time])");
    }
}
