package io.github.locker.tck.payara;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockLostException;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.cdi.GuardedBeans;
import io.github.locker.tck.cdi.LockedInterceptorContract;
import io.github.locker.tck.payara.ejb.ApplicationScopedSections;
import io.github.locker.tck.payara.ejb.Occupancy;
import io.github.locker.tck.payara.ejb.SingletonSections;
import io.github.locker.tck.payara.ejb.StatelessSections;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @Locked} on Enterprise Beans, on Payara Micro with the Redis driver: a {@code @Stateless}
 * and a {@code @Singleton} session bean, and a CDI bean beside them, each with a method that stays
 * a while under its lock. The tests run inside Payara.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PayaraRedisEjbTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String key = UUID.randomUUID().toString();

    @EJB
    StatelessSections stateless;
    @EJB
    SingletonSections singleton;
    @Inject
    ApplicationScopedSections applicationScoped;
    @Inject
    Occupancy occupancy;
    @Inject
    GuardedBeans.LossWitness witness;
    @Inject
    Locker locker;

    @Deployment
    static WebArchive deployment() {
        return PayaraWars.ejbs(new RedisTckBackend(TestJvmServers.redis()));
    }

    /** In the test JVM only, as every {@code @AfterAll} of an Arquillian test. */
    @AfterAll
    static void stopServers() {
        TestJvmServers.stopAll();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aStatelessEjbIsExclusivePerKeyAndParallelAcrossKeys() throws Exception {
        exclusivePerKeyAndParallelAcrossKeys("stateless", stateless::section);
    }

    @Test
    void aSingletonEjbWithReadConcurrencyIsExclusivePerKeyThroughTheLockAlone() throws Exception {
        exclusivePerKeyAndParallelAcrossKeys("singleton", singleton::section);
    }

    @Test
    void anApplicationScopedBeanIsExclusivePerKeyAndParallelAcrossKeys() throws Exception {
        exclusivePerKeyAndParallelAcrossKeys("application-scoped", applicationScoped::section);
    }

    @Test
    void anEjbSeesTheFencingTokenOfItsLockInTheLockContext() throws Exception {
        long first = stateless.section(key, 0);
        long second = stateless.section(key, 0);
        assertThat(second).as("the next lock of the key, the next token").isGreaterThan(first);
        try (Lock next = locker.lock("stateless:" + key)) {
            assertThat(next.fencingToken()).as("the tokens the method saw were its locks', issued before this one")
                    .isGreaterThan(second);
        }
    }

    @Test
    void aTimeoutInAnEjbReachesTheCallerAsEJBExceptionCausedByLockTimeout() throws Exception {
        try (Lock held = locker.lock("stateless-wait:" + key)) {
            // a runtime exception from an enterprise bean's interceptor is a system exception: the container wraps it
            assertThatThrownBy(() -> elsewhere(() -> stateless.waitBriefly(key)))
                    .hasCauseInstanceOf(EJBException.class)
                    .hasRootCauseInstanceOf(LockTimeoutException.class);
        }
        assertThat(stateless.waitBriefly(key)).as("the pool still serves, the lock was released").isEqualTo("ran");
    }

    @Test
    void aLeaseLostInAnEjbIsAnnouncedAndFailsTheCall() {
        assertThatThrownBy(() -> stateless.outliveTheLease(key,
                LockedInterceptorContract.pauseTheServerUntilTheLossIsSeen(DeployedBackend.read(), witness,
                        "stateless-lost:" + key)))
                .isInstanceOf(EJBException.class).hasRootCauseInstanceOf(LockLostException.class);
        assertThat(witness.seen()).anySatisfy(lost -> assertThat(lost.key()).isEqualTo("stateless-lost:" + key));
    }

    @Test
    void anEjbsContainerTransactionCommitsAfterItsLockIsReleased() {
        List<String> notes = new CopyOnWriteArrayList<>();
        stateless.inTheContainersTransaction(key, notes);
        assertThat(notes).containsExactly("completed, lock held: false");
    }

    @Test
    void anEjbMethodOutsideTransactionsCommitsItsOwnTransactionUnderTheLock() {
        List<String> notes = new CopyOnWriteArrayList<>();
        stateless.aroundItsOwnTransaction(key, notes);
        assertThat(notes).containsExactly("completed, lock held: true");
    }

    /** A {@code @Locked} method that stays under its lock: {@code (key, hold ms) -> the token it saw}. */
    private interface Section {
        long call(String key, long holdMillis) throws Exception;
    }

    private void exclusivePerKeyAndParallelAcrossKeys(String bean, Section section) throws Exception {
        occupancy.takeMostInsideAtOnce(bean);
        List<Future<Long>> oneKey = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            oneKey.add(threads.submit(() -> section.call(key, 50)));
        }
        List<Long> tokens = new ArrayList<>();
        for (Future<Long> call : oneKey) {
            tokens.add(call.get(30, TimeUnit.SECONDS));
        }
        assertThat(occupancy.takeMostInsideAtOnce(bean)).as("callers inside at once on one key").isEqualTo(1);
        assertThat(tokens).as("every section had a token of its own").doesNotHaveDuplicates();

        List<Future<Long>> fourKeys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String own = key + ":" + i;
            fourKeys.add(threads.submit(() -> section.call(own, 500)));
        }
        for (Future<Long> call : fourKeys) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(occupancy.takeMostInsideAtOnce(bean)).as("callers inside at once on four keys").isGreaterThan(1);
    }

    /** Calls from another thread, as another client of the bean would. */
    private <T> T elsewhere(Callable<T> call) throws Exception {
        return threads.submit(call).get(30, TimeUnit.SECONDS);
    }
}
