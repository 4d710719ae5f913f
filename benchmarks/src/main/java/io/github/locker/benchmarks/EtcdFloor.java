package io.github.locker.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;

/**
 * The least a correct etcd lock can do: one transaction that puts the key on our lease only if it
 * does not exist, and one delete. No queue, no watch: it measures only uncontended cycles. With
 * {@code sameRequestsAsOurs}, the two requests carry what our driver's do: the transaction also
 * reads the lock's two newest-created keys under its prefix (where ours finds its place in the
 * queue, one key a lease), and the delete is a transaction that deletes only the key created at our
 * put's revision.
 */
final class EtcdFloor extends EtcdBaseline {
    private static final GetOption LAST_TWO_CREATED = GetOption.builder().isPrefix(true).withKeysOnly(true)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(2).build();

    private final KV kv;
    private final boolean sameRequestsAsOurs;

    EtcdFloor(Duration lease, boolean sameRequestsAsOurs) {
        super(lease);
        this.kv = client().getKVClient();
        this.sameRequestsAsOurs = sameRequestsAsOurs;
    }

    @Override
    public Held lock(String key) throws Exception {
        // a queue's keys are one per lease under the lock's prefix; the plain floor's one key is the lock
        String prefix = "floor/" + key + "/";
        ByteSequence lockKey = bytes(sameRequestsAsOurs ? prefix + Long.toHexString(lease()) : "floor/" + key);
        Op put = Op.put(lockKey, ByteSequence.EMPTY, PutOption.builder().withLeaseId(lease()).build());
        TxnResponse taken = await(kv.txn()
                .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(sameRequestsAsOurs ? new Op[] {put, Op.get(bytes(prefix), LAST_TWO_CREATED)} : new Op[] {put})
                .commit());
        if (!taken.isSucceeded() || sameRequestsAsOurs && taken.getGetResponses().get(0).getKvs().size() != 1) {
            throw new IllegalStateException("the floor measures uncontended cycles only, and '" + key + "' was held");
        }
        if (!sameRequestsAsOurs) {
            return () -> await(kv.delete(lockKey));
        }
        long created = taken.getHeader().getRevision();
        return () -> await(kv.txn().If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(created)))
                .Then(Op.delete(lockKey, DeleteOption.DEFAULT)).commit());
    }
}
