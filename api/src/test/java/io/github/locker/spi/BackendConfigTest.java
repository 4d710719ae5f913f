package io.github.locker.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackendConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://app:s3cret@host:6379/0 | redis://app:****@host:6379/0",
            "redis://:s3cret@host:6379 | redis://:****@host:6379",
            "redis//:s3cret@localhost:6379 | redis//:****@localhost:6379",
            "redis:/:s3cret@localhost | ****@localhost",
            "s3cret@localhost | ****@localhost",
            "redis://:pa/ss@host | redis://****@host",
            "redis://:p@ss@host | redis://:****@host",
            "rediss://u:s3cret@h1:6379,redis://u:other@h2 | rediss://u:****@h1:6379,redis://u:****@h2",
            "redis-sentinel://:s3cret@h1:26379,h2:26379/0#main | redis-sentinel://:****@h1:26379,h2:26379/0#main",
            "redis://host:6379 | redis://host:6379"})
    void noUserInformationSurvivesWhetherTheValueParsesOrNot(String value, String shown) {
        assertThat(BackendConfig.redact(value)).isEqualTo(shown).doesNotContain("s3cret").doesNotContain("other");
    }

    @Test
    void toStringMasksSecretNamedPropertiesAndEveryUri() {
        String shown = BackendConfig.of("redis", "main", Map.of("uri", "redis//:s3cret@localhost:6379", "password", "s3cret",
                "tls.ca-file", "/etc/ca.pem")).toString();
        assertThat(shown).isEqualTo("redis.main{password=****, tls.ca-file=/etc/ca.pem, uri=redis//:****@localhost:6379}");
    }
}
