package io.github.locker.tck;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the TCK's in-process contracts of one primitive start from: the driver under test, its
 * {@link Nodes} (a backend connection per locker, as separate service instances would have) and a
 * key no other test uses.
 */
public abstract class ContractOnNodes {
    @RegisterExtension
    final Nodes nodes = new Nodes(backend());
    /** A key no other test uses. */
    protected String key;

    /** @return the driver and server under test */
    protected abstract TckBackend backend();

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }
}
