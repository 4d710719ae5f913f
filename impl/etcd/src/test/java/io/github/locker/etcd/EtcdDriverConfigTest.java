package io.github.locker.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerDriver;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EtcdDriverConfigTest {
    private final LockerDriver driver = LockerDriver.find("etcd").orElseThrow();

    private static BackendConfig section(Map<String, String> properties) {
        return BackendConfig.of("etcd", "main", properties);
    }

    @Test
    void isFoundByServiceLoaderAndTakesAWellFormedSection() {
        assertThat(driver).isInstanceOf(EtcdDriver.class);
        assertThat(driver.check(section(Map.of("endpoints", "http://127.0.0.1:2379,https://etcd-2:2379", "timeout", "2s"))))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:2379 | has an endpoint that is not a URI: '127.0.0.1:2379'; write e.g. http://127.0.0.1:2379",
            "http://127.0.0.1 | has an endpoint without http(s) scheme, host and port",
            "http://127.0.0.1:99999 | has an endpoint that has the port 99999, which is not a number from 1 to 65535",
            "http://root:hunter2@127.0.0.1:2379 | has an endpoint that carries credentials: set 'etcd.main.username' and "
                    + "'etcd.main.password' instead",
            "http://127.0.0.1:2379/v3 | has an endpoint that has the path '/v3', which an etcd endpoint does not take",
            "http://127.0.0.1:2379?x=1 | has an endpoint that has a query or fragment, which an etcd endpoint does not take"})
    void eachPartOfAnEndpointIsCheckedAndNamedWithoutTheSecret(String endpoints, String problem) {
        assertThat(driver.check(section(Map.of("endpoints", endpoints)))).singleElement().asString()
                .startsWith("'etcd.main.endpoints' " + problem).doesNotContain("hunter2");
    }

    @Test
    void aMisspeltSettingAndASlashInsideTheKeyPrefixAreNamedWithTheFix() {
        assertThat(driver.check(section(Map.of("endpoints", "http://127.0.0.1:2379", "endpoint", "x"))))
                .containsExactly("'etcd.main.endpoint' is not a setting of etcd.main: did you mean 'etcd.main.endpoints'?");
        assertThat(driver.checkKeyPrefix("locker/")).isEmpty();
        assertThat(driver.checkKeyPrefix("a/b")).singleElement().asString()
                .startsWith("may end with '/' but not contain one (was 'a/b')");
    }
}
