package io.github.locker.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8CodecTest {
    @Test
    void aKeyIsSentAsItsUtf8BytesAndDecodedBack() {
        String key = "locker:{räksmörgås:用户:🔒}";
        ByteBuffer encoded = Utf8Codec.INSTANCE.encodeKey(key);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.duplicate().get(bytes);

        assertThat(bytes).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        assertThat(Utf8Codec.INSTANCE.decodeKey(encoded)).isEqualTo(key);
        assertThat(Utf8Codec.INSTANCE.encodeValue(null).remaining()).as("null as the empty string").isZero();
    }

    @Test
    void theHashSlotOfAKeyIsThatOfItsUtf8BytesWhateverTheDefaultCharset() {
        // CLUSTER KEYSLOT on Redis 7.0.15. Lettuce's SlotHash.getSlot(String) gives 3174 on Java 17 in a POSIX locale
        assertThat(Utf8Codec.slotOf("locker:{ключ}:fence")).isEqualTo(10303);
    }
}
