package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.locker.Lock;
import io.github.locker.cdi.BuildCompatibleTwin;
import io.github.locker.cdi.LockerExtension;
import io.github.locker.tck.LogCapture;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The portable extension and its build-compatible twin (what Quarkus runs) on the same Weld SE:
 * the same deployments fail with the same messages, and the same valid one injects a working
 * locker. The rules are written once; this proves both paths feed them the same facts.
 */
class ExtensionTwinsTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    @RegisterExtension
    static final RedisServer WITH_USER = RedisServer.withUser("alice", PASSWORD);
    @RegisterExtension
    static final EtcdServer ETCD_WITH_USER = EtcdServer.withUser("alice", PASSWORD, "locker:");

    private static final String REDIS_MAIN = "redis://127.0.0.1:1";

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void anUnknownNamedLockerFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS_MAIN),
                Beans.UnknownNamedLocker.class))
                .contains("UnknownNamedLocker#locker references locker 'orderz', but no 'locker.orderz.driver' is "
                        + "configured. Configured lockers: [main].");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aMissingDefaultFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.a.driver", "redis", "redis.a.uri", REDIS_MAIN,
                "locker.b.driver", "redis", "redis.b.uri", REDIS_MAIN), Beans.DefaultLocker.class))
                .contains("DefaultLocker#locker uses the default locker, but none is configured");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aKeyTemplateNamingAMissingParameterFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS_MAIN),
                Beans.LockedWithMissingParameter.class, Beans.LockedClassWithTemplate.class))
                .contains("@Locked on 'LockedWithMissingParameter#checkIn(String, String)' has key template "
                        + "'checkin:{uidd}:{day}', but the method has no parameter 'uidd'. Parameters: [uid, day].")
                .contains("@Locked on 'LockedClassWithTemplate#archive(int)' has key template 'report:{day}'")
                .contains("2 problems");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aLazyResultFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS_MAIN),
                Beans.LockedWithLazyResult.class))
                .contains("@Locked on 'LockedWithLazyResult#feed()' returns java.util.concurrent.Flow$Publisher, which does "
                        + "its work only when subscribed");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aSemaphoreWithoutACountOrSharedFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS_MAIN),
                Beans.LockedWithBadModes.class))
                .contains("'LockedWithBadModes#withoutCount()' has mode = \"PERMIT\", which is invalid")
                .contains("'LockedWithBadModes#negativeCount()' has permits = \"-1\", which is invalid")
                .contains("'LockedWithBadModes#sharedPermits()' has mode = \"SHARED\", which is invalid")
                .contains("3 problems");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void anUnknownDriverFailsWithTheSameMessage(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "mongo"), Beans.DefaultLocker.class))
                .contains("Locker 'main' uses driver 'mongo' (locker.main.driver), but no installed driver has that name.");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void theOnlyLockerIsTheDefaultAndLocks(boolean buildCompatible) {
        withConfiguration(Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS.uri()), () -> {
            WeldContainer container = weld(buildCompatible, Beans.DefaultLocker.class, Beans.ValidLockedMethods.class).initialize();
            try (Lock lock = container.select(Beans.DefaultLocker.class).get().locker().lock("twins:" + UUID.randomUUID())) {
                assertThat(lock.isHeld()).isTrue();
            } finally {
                container.shutdown();
            }
        });
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aLockerConnectingAtStartupFailsTheStartWhenItsPasswordIsRefused(boolean buildCompatible) {
        String wrong = "wrong-" + UUID.randomUUID();
        long start = System.nanoTime();
        assertThat(failure(buildCompatible, withUser(wrong, "true"), Beans.DefaultLocker.class))
                .contains("Locker 'main' could not use its backend redis.main while the application started "
                        + "(locker.main.connect-at-startup=true): ")
                .contains("Redis at 127.0.0.1:" + WITH_USER.process().port() + " refused the credentials (WRONGPASS")
                .contains("check redis.main.username and redis.main.password")
                .contains("or set locker.main.connect-at-startup=false to connect on first use")
                .doesNotContain(wrong).doesNotContain(PASSWORD);
        // a refusal, not a hang: the bound only allows for a loaded machine
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aLockerConnectingAtStartupFailsTheStartWhenEtcdRefusesItsPassword(boolean buildCompatible) {
        String wrong = "wrong-" + UUID.randomUUID();
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "etcd", "etcd.main.endpoints",
                ETCD_WITH_USER.endpoints(), "etcd.main.username", "alice", "etcd.main.password", wrong,
                "locker.main.connect-at-startup", "true"), Beans.DefaultLocker.class))
                .contains("Locker 'main' could not use its backend etcd.main while the application started")
                .contains("authentication failed").contains("etcd.main.password")
                .doesNotContain(wrong).doesNotContain(PASSWORD);
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aLockerConnectingAtStartupFailsTheStartWhenItsBackendIsUnreachable(boolean buildCompatible) {
        assertThat(failure(buildCompatible, Map.of("locker.main.driver", "redis", "redis.main.uri", REDIS_MAIN,
                "redis.main.timeout", "1s", "locker.main.connect-at-startup", "true"), Beans.DefaultLocker.class))
                .contains("Locker 'main' could not use its backend redis.main while the application started")
                .contains("Redis at 127.0.0.1:1 is unreachable");
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aConnectAtStartupThatIsNotABooleanFailsTheStart(boolean buildCompatible) {
        assertThat(failure(buildCompatible, withUser(PASSWORD, "yes"), Beans.DefaultLocker.class))
                .contains("'locker.main.connect-at-startup' must be true or false, was 'yes'.");
    }

    @ParameterizedTest(name = "connect at startup: {0}")
    @ValueSource(strings = {"true", "false"})
    void withTheRightPasswordTheStartSucceedsAndLocks(String connectAtStartup) {
        withConfiguration(withUser(PASSWORD, connectAtStartup), () -> {
            try (WeldContainer container = weld(false, Beans.DefaultLocker.class).initialize();
                    Lock lock = container.select(Beans.DefaultLocker.class).get().locker().lock("twins:" + UUID.randomUUID())) {
                assertThat(lock.isHeld()).isTrue();
            }
        });
    }

    @ParameterizedTest(name = "build-compatible: {0}")
    @ValueSource(booleans = {false, true})
    void aLockerConnectingOnFirstUseStartsDespiteAWrongPassword(boolean buildCompatible) {
        withConfiguration(withUser("wrong-" + UUID.randomUUID(), "false"), () -> {
            try (WeldContainer container = weld(buildCompatible, Beans.DefaultLocker.class).initialize()) {
                assertThat(container.isRunning()).as("the readiness check reports the backend instead").isTrue();
            }
        });
    }

    private static Map<String, String> withUser(String password, String connectAtStartup) {
        return Map.of("locker.main.driver", "redis", "redis.main.uri", WITH_USER.uri(), "redis.main.username", "alice",
                "redis.main.password", password, "redis.main.timeout", "3s", "locker.main.connect-at-startup", connectAtStartup);
    }

    private static Weld weld(boolean buildCompatible, Class<?>... beans) {
        Weld weld = new Weld().disableDiscovery().addBeanClasses(beans);
        return buildCompatible ? weld.addBuildCompatibleExtensions(BuildCompatibleTwin.class)
                : weld.addExtension(new LockerExtension());
    }

    private static String failure(boolean buildCompatible, Map<String, String> configuration, Class<?>... beans) {
        String[] messages = new String[1];
        withConfiguration(configuration, () -> {
            try (WeldContainer started = weld(buildCompatible, beans).initialize()) {
                fail("the container started, but should have failed");
            } catch (RuntimeException failure) {
                messages[0] = LogCapture.chain(failure);
            }
        });
        return messages[0];
    }

    /** Runs with these properties, read afresh through a class loader of its own. */
    private static void withConfiguration(Map<String, String> configuration, Runnable body) {
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        configuration.forEach(System::setProperty);
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], original));
        try {
            body.run();
        } finally {
            Thread.currentThread().setContextClassLoader(original);
            configuration.keySet().forEach(System::clearProperty);
        }
    }
}
