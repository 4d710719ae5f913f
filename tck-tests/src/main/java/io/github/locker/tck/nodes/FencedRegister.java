package io.github.locker.tck.nodes;

import java.nio.file.Path;

/**
 * A resource that checks fencing tokens, as the README asks real resources to: it accepts a write
 * only when its token is higher than every token it accepted before, so a holder that paused past
 * its lease cannot overwrite the work of the node that took the lock after it.
 */
public final class FencedRegister {
    private final SharedFile file;

    /** @param path the register's file, shared by every node */
    public FencedRegister(Path path) {
        this.file = new SharedFile(path);
    }

    /**
     * @param token the writer's fencing token
     * @param value what to write
     * @return whether the write was accepted
     */
    public boolean write(long token, String value) {
        return file.update(lines -> {
            long highest = lines.stream().mapToLong(line -> Long.parseLong(line.split(" ")[0])).max().orElse(Long.MIN_VALUE);
            return token > highest ? new SharedFile.Decision<>(token + " " + value, true) : new SharedFile.Decision<>(null, false);
        });
    }
}
