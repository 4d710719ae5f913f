package io.github.locker.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration read and checked without a container, the memory driver installed. */
class LockerConfigurationTest {

    private static LockerConfiguration read(Map<String, String> properties) {
        return LockerConfiguration.read(properties.keySet(), name -> Optional.ofNullable(properties.get(name)));
    }

    private static DeploymentRules rules(Map<String, String> properties) {
        return new DeploymentRules(read(properties), LockerConfigurationTest.class.getClassLoader());
    }

    @Test
    void aLockersDefaultsSectionAndPrefixComeFromItsProperties() {
        LockerConfiguration configuration = read(Map.of(
                "locker.tests.driver", "memory",
                "locker.tests.instance", "shared",
                "locker.tests.lease-time", "10s",
                "locker.tests.keep-alive", "false"));

        LockerDefinition tests = configuration.lockers().get("tests");
        assertThat(configuration.problems()).isEmpty();
        assertThat(tests.backend().section()).isEqualTo("memory.shared");
        assertThat(tests.defaults().leaseTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tests.defaults().keepAlive()).isFalse();
        assertThat(tests.keyPrefix()).isEqualTo(LockerConfiguration.DEFAULT_KEY_PREFIX);
        assertThat(rules(Map.of("locker.tests.driver", "memory")).checkConfiguration()).isEmpty();
    }

    @Test
    void everyUnreadableValueIsReportedByItsPropertyAndNothingElseIsLost() {
        LockerConfiguration configuration = read(Map.of(
                "locker.tests.driver", "memory",
                "locker.tests.keep-alive", "yes",
                "locker.tests.wait-time", "soon",
                "locker.other.driver", "memory"));

        assertThat(configuration.problems()).hasSize(2)
                .contains("'locker.tests.keep-alive' must be true or false, was 'yes'.")
                .anySatisfy(problem -> assertThat(problem).contains("locker.tests.wait-time").contains("soon"));
        assertThat(configuration.lockers()).containsOnlyKeys("other", "tests");
    }

    @Test
    void aDriverRefusesASettingItDoesNotHave() {
        assertThat(rules(Map.of("locker.tests.driver", "memory", "memory.tests.uri", "redis://localhost")).checkConfiguration())
                .containsExactly("Locker 'tests': 'memory.tests.uri' is not a setting of the memory driver, which takes none: "
                        + "remove it");
    }

    @Test
    void aMisspeltSettingIsAnsweredWithTheOneMeant() {
        assertThat(read(Map.of("locker.orders.driver", "memory", "locker.orders.lease-tme", "10s")).problems())
                .containsExactly("'locker.orders.lease-tme' is not a setting of locker.orders: did you mean "
                        + "'locker.orders.lease-time'?");
        assertThat(read(Map.of("locker.orders.drivr", "redis")).problems())
                .containsExactly("'locker.orders.drivr' belongs to no configured locker: did you mean 'locker.orders.driver'?");
        assertThat(read(Map.of("locker.a.driver", "memory", "locker.a.b.driver", "memory", "locker.a.b.lease-time", "5s"))
                .problems()).as("a longer configured name owns its settings").isEmpty();
        assertThat(read(Map.of("locker.main.driver", "memory", "locker.version", "2", "locker.ui.colour", "blue")).problems())
                .as("an application's own locker.* properties that name no setting").isEmpty();
    }
}
