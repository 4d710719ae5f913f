package io.github.locker.tck.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.tck.servers.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the driver left in etcd, read by a client of the test's own. */
final class EtcdKeys {
    private EtcdKeys() {
    }

    /**
     * @param etcd the server
     * @param prefix a key prefix
     * @return the keys under it with their values, leases and revisions, in key order
     */
    static List<KeyValue> under(EtcdServer etcd, String prefix) throws Exception {
        try (Client client = Client.builder().endpoints(etcd.endpoints()).build()) {
            return client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
                    GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs();
        }
    }

    /** @return the key's name */
    static String name(KeyValue key) {
        return key.getKey().toString(StandardCharsets.UTF_8);
    }
}
