package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis locker and an etcd locker, configured through MicroProfile Config and injected by name
 * into a bean deployed on Weld through Arquillian, lock on their real servers. The servers start
 * in the static initializer, because Arquillian deploys before other extensions' {@code beforeAll}.
 */
@ExtendWith(ArquillianExtension.class)
class NamedLockerInjectionTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer().start();
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1).start();

    static {
        // system properties outrank the archive's microprofile-config.properties: the addresses known only now
        System.setProperty("redis.cache.uri", REDIS.uri());
        System.setProperty("etcd.coordination.endpoints", ETCD.endpoints());
    }

    @Inject
    Beans.NamedLockers lockers;

    @Deployment
    static JavaArchive deployment() {
        return ShrinkWrap.create(JavaArchive.class)
                .addClasses(Beans.NamedLockers.class)
                .addAsManifestResource(new StringAsset("""
                        locker.redis.driver=redis
                        locker.redis.instance=cache
                        locker.redis.wait-time=0s
                        locker.etcd.driver=etcd
                        locker.etcd.instance=coordination
                        locker.etcd.lease-time=10s
                        locker.etcd.key-prefix=app/
                        """), "microprofile-config.properties")
                .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @AfterAll
    static void forgetAddresses() {
        System.clearProperty("redis.cache.uri");
        System.clearProperty("etcd.coordination.endpoints");
    }

    @Test
    void eachNamedLockerLocksOnItsOwnBackendWithItsConfiguredDefaults() {
        String key = "injected:" + UUID.randomUUID();
        assertLocks(lockers.redis(), "redis", key);
        assertLocks(lockers.etcd(), "etcd", key);
        assertThat(lockers.redis().defaultOptions().waitTime()).contains(Duration.ZERO);
        assertThat(lockers.etcd().defaultOptions().leaseTime()).isEqualTo(Duration.ofSeconds(10));
    }

    private static void assertLocks(Locker locker, String name, String key) {
        assertThat(locker.name()).isEqualTo(name);
        try (Lock lock = locker.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)))) {
            assertThat(lock.isHeld()).isTrue();
            assertThat(lock.fencingToken()).isPositive();
            Optional<Lock> again = locker.lockAsync(key, LockOptions.defaults().withWaitTime(Duration.ZERO))
                    .toCompletableFuture().handle((held, notAcquired) -> Optional.ofNullable(held)).join();
            assertThat(again).as("another acquisition of %s on %s", key, name).isEmpty();
        }
    }
}
