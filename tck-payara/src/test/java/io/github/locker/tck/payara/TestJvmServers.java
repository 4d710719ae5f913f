package io.github.locker.tck.payara;

import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend servers a Payara test class starts in the test JVM, and stops after it. The test
 * classes whose tests run inside Payara are loaded there too, and reflected on by Arquillian:
 * keeping the servers here, out of their fields and signatures, keeps Payara from needing (or
 * starting) them.
 */
final class TestJvmServers {
    private static final List<Runnable> RUNNING = new ArrayList<>();

    private TestJvmServers() {
    }

    /** @return a new Redis server, stopped by {@link #stopAll()} */
    static RedisServer redis() {
        return redis(new RedisServer());
    }

    /**
     * @param redis a Redis server not started yet ({@link RedisServer#withUser}, say)
     * @return the same server, started, and stopped by {@link #stopAll()}
     */
    static synchronized RedisServer redis(RedisServer redis) {
        redis.start();
        RUNNING.add(redis::stop);
        return redis;
    }

    /** @return a new one-member etcd, stopped by {@link #stopAll()} */
    static synchronized EtcdServer etcd() {
        EtcdServer etcd = new EtcdServer(1).start();
        RUNNING.add(etcd::stop);
        return etcd;
    }

    /** Stops every server started since the last call. */
    static synchronized void stopAll() {
        RUNNING.forEach(Runnable::run);
        RUNNING.clear();
    }
}
