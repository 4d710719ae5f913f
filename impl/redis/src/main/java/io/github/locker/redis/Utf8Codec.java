package io.github.locker.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Strings as UTF-8, encoded by the JDK's {@link String#getBytes} (vectorised, one pass) into an
 * array Lettuce copies behind the argument's length. Lettuce's own {@link StringCodec#UTF8}
 * encodes every argument char by char into a pooled buffer of its own first, since it cannot tell
 * the encoded size beforehand, then copies that: a lock cycle sends some twenty arguments (keys,
 * owner tokens, numbers), and that was a good part of the client's work per cycle. Decoding is
 * {@link StringCodec#UTF8}'s.
 */
final class Utf8Codec implements RedisCodec<String, String> {
    static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return StringCodec.UTF8.decodeKey(bytes);
    }

    @Override
    public String decodeValue(ByteBuffer bytes) {
        return StringCodec.UTF8.decodeValue(bytes);
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return encode(key);
    }

    @Override
    public ByteBuffer encodeValue(String value) {
        return encode(value);
    }

    /**
     * @param key a Redis key
     * @return its Cluster hash slot, from its UTF-8 bytes as this codec sends them; Lettuce's
     *     {@code SlotHash.getSlot(String)} encodes with the JVM's default charset, which on Java 17
     *     in a POSIX locale is ASCII: a key's non-ASCII characters would count as {@code ?}
     */
    static int slotOf(String key) {
        return SlotHash.getSlot(encode(key));
    }

    /** A null (which the driver never sends) as the empty string, as {@link StringCodec} has it. */
    private static ByteBuffer encode(String text) {
        return ByteBuffer.wrap(text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
    }
}
