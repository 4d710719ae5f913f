package io.github.locker.tck.payara.nodes;

import io.github.locker.LockContext;
import io.github.locker.Locked;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/**
 * The critical section of the two-instance test, an enterprise bean on each Payara Micro: it
 * records entering and leaving in the shared journal, with the fencing token it reads from the
 * {@link LockContext}, as business code guarding a write would.
 */
@Stateless
public class JournaledSections {
    @Inject
    Journals journals;
    @Inject
    LockContext context;

    /**
     * @param key the key both instances contend for
     * @param journal the shared journal file
     * @param node who calls
     */
    @Locked(locker = "redis", key = "journal:{key}")
    public void onRedis(String key, String journal, String node) {
        record(journal, node);
    }

    /**
     * @param key the key both instances contend for
     * @param journal the shared journal file
     * @param node who calls
     */
    @Locked(locker = "etcd", key = "journal:{key}")
    public void onEtcd(String key, String journal, String node) {
        record(journal, node);
    }

    private void record(String journal, String node) {
        long token = context.current().orElseThrow(() -> new IllegalStateException(node + " runs without a lock")).fencingToken();
        journals.of(journal).enter(token, node);
        journals.of(journal).exit(token, node);
    }
}
