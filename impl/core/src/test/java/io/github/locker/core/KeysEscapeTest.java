package io.github.locker.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeysEscapeTest {

    @Test
    void aKeyWithNothingToEscapeIsReturnedAsItIs() {
        String key = "user:42:check-in";
        assertThat(Keys.escape(key, "{}")).isSameAs(key);
    }

    @Test
    void reservedCharactersAndThePercentSignBecomeTheirHexCodesWhereverTheyAre() {
        assertThat(Keys.escape("{a}", "{}")).isEqualTo("%7Ba%7D");
        assertThat(Keys.escape("ab}", "{}")).isEqualTo("ab%7D");
        assertThat(Keys.escape("50%/x", "/")).isEqualTo("50%25%2Fx");
    }

    @Test
    void distinctKeysStayDistinct() {
        assertThat(Keys.escape("a%7Bb", "{}")).isNotEqualTo(Keys.escape("a{b", "{}"));
    }
}
