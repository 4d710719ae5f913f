package io.github.locker.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;

/**
 * The least a correct etcd lock can do: one transaction that puts the key on our lease only if it
 * does not exist, and one delete. No queue, no watch: it measures only uncontended cycles.
 */
final class EtcdFloor extends EtcdBaseline {
    private final KV kv;

    EtcdFloor(Duration lease) {
        super(lease);
        this.kv = client().getKVClient();
    }

    @Override
    public Held lock(String key) throws Exception {
        ByteSequence lockKey = bytes("floor/" + key);
        boolean put = await(kv.txn()
                .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(lockKey, ByteSequence.EMPTY, PutOption.builder().withLeaseId(lease()).build()))
                .commit()).isSucceeded();
        if (!put) {
            throw new IllegalStateException("the floor measures uncontended cycles only, and '" + key + "' was held");
        }
        return () -> await(kv.delete(lockKey));
    }
}
