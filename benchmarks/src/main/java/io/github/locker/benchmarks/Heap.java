package io.github.locker.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;

/** The heap a benchmark compares libraries by: what is still used after full collections. */
final class Heap {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private Heap() {
    }

    /**
     * @return the used heap, in bytes, after two full collections
     * @throws InterruptedException when interrupted between them
     */
    static long usedAfterGc() throws InterruptedException {
        // two collections: the first may only queue finalization/reference processing
        for (int i = 0; i < 2; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
