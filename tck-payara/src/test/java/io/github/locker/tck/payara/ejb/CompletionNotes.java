package io.github.locker.tck.payara.ejb;

import io.github.locker.Lock;
import io.github.locker.LockContext;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;

/** Notes, when a container transaction completes, whether the lock of the {@code @Locked} method that began the work is still held. */
@Stateless
public class CompletionNotes {
    @Resource
    TransactionSynchronizationRegistry transactions;
    @Inject
    LockContext context;

    /** @param notes where to note it, in the transaction the caller runs in */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void inTheCallersTransaction(List<String> notes) {
        noteAtCompletion(notes);
    }

    /** @param notes where to note it, in a transaction of this call's own, committed when it returns */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void inANewTransaction(List<String> notes) {
        noteAtCompletion(notes);
    }

    private void noteAtCompletion(List<String> notes) {
        Lock lock = context.current().orElseThrow(() -> new IllegalStateException("called without a lock"));
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                notes.add("completed, lock held: " + lock.isHeld());
            }
        });
    }
}
