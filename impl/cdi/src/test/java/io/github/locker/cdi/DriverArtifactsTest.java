package io.github.locker.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DriverArtifactsTest {

    @Test
    void aMissingDriverOfOursNamesTheArtifactThatBringsIt() {
        assertThat(Problems.unknownDriver("orders", "etcd", List.of("redis")))
                .isEqualTo("Locker 'orders' uses driver 'etcd' (locker.orders.driver), but no installed driver has that "
                        + "name. Installed drivers: [redis]. Add the dependency io.github.locker:locker-etcd (its version "
                        + "comes from io.github.locker:locker-bom).");
        assertThat(DriverArtifacts.advice("redis")).contains("io.github.locker:locker-redis");
        assertThat(DriverArtifacts.advice("memory")).contains("io.github.locker:locker-testing");
    }

    @Test
    void aDriverOfNobodyWeKnowIsAskedForByItsServiceFile() {
        assertThat(DriverArtifacts.advice("mongo")).isEqualTo("Add the jar of the driver named 'mongo' (it lists its class "
                + "in META-INF/services/io.github.locker.spi.LockerDriver), or fix the name.");
    }
}
