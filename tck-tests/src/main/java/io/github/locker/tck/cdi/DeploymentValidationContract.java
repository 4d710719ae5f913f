package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.locker.tck.LogCapture;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TCK case 7: each deployment-time rule, on whatever container runs the TCK (Arquillian; a run
 * extends this class): a deployment that breaks it fails to
 * start, with our message naming the member (or property) and the fix. Nothing connects to a
 * backend here: the rules run before any locker is made.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class DeploymentValidationContract {
    private static final String REDIS_MAIN = "locker.main.driver=redis\nredis.main.uri=redis://127.0.0.1:6379\n";

    @ArquillianResource
    private Deployer deployer;

    /**
     * @param config the deployment's microprofile-config.properties
     * @param beans its bean classes
     * @return the deployment
     */
    protected static JavaArchive deployment(String config, Class<?>... beans) {
        return BeanArchives.of(config, beans);
    }

    @Deployment(name = "unknown-named", managed = false)
    static JavaArchive unknownNamed() {
        return deployment(REDIS_MAIN, Beans.UnknownNamedLocker.class);
    }

    @Deployment(name = "no-default", managed = false)
    static JavaArchive noDefault() {
        return deployment(REDIS_MAIN + "locker.other.driver=redis\nlocker.other.instance=main\n", Beans.DefaultLocker.class);
    }

    @Deployment(name = "locked-unknown", managed = false)
    static JavaArchive lockedUnknown() {
        return deployment(REDIS_MAIN, Beans.LockedOnUnknownLocker.class);
    }

    @Deployment(name = "unknown-driver", managed = false)
    static JavaArchive unknownDriver() {
        return deployment("locker.main.driver=mongo\n");
    }

    @Deployment(name = "missing-section", managed = false)
    static JavaArchive missingSection() {
        return deployment("locker.main.driver=redis\n");
    }

    @Deployment(name = "malformed-uri", managed = false)
    static JavaArchive malformedUri() {
        return deployment("locker.main.driver=redis\nredis.main.uri=redis//:hunter2@localhost:6379\n");
    }

    @Deployment(name = "bad-key-prefixes", managed = false)
    static JavaArchive badKeyPrefixes() {
        // connect-at-startup: the configuration is reported as such, before any connection is tried
        return deployment(REDIS_MAIN + "locker.main.key-prefix={main}:\nlocker.main.connect-at-startup=true\n"
                + "locker.other.driver=etcd\netcd.other.endpoints=http://127.0.0.1:2379\nlocker.other.key-prefix=a/b\n"
                + "locker.other.lease-tme=10s\nlocker.third.drivr=redis\n");
    }

    @Deployment(name = "bad-endpoints", managed = false)
    static JavaArchive badEndpoints() {
        return deployment("locker.main.driver=etcd\netcd.main.endpoints=127.0.0.1:2379\n");
    }

    @Deployment(name = "missing-parameter", managed = false)
    static JavaArchive missingParameter() {
        return deployment(REDIS_MAIN, Beans.LockedWithMissingParameter.class);
    }

    @Deployment(name = "position-out-of-range", managed = false)
    static JavaArchive positionOutOfRange() {
        return deployment(REDIS_MAIN, Beans.LockedWithPositionOutOfRange.class);
    }

    @Deployment(name = "lazy-result", managed = false)
    static JavaArchive lazyResult() {
        return deployment(REDIS_MAIN, Beans.LockedWithLazyResult.class);
    }

    @Deployment(name = "class-template", managed = false)
    static JavaArchive classTemplate() {
        return deployment(REDIS_MAIN, Beans.LockedClassWithTemplate.class);
    }

    @Deployment(name = "bad-annotation-durations", managed = false)
    static JavaArchive badAnnotationDurations() {
        return deployment(REDIS_MAIN, Beans.LockedWithBadDurations.class);
    }

    @Deployment(name = "bad-modes", managed = false)
    static JavaArchive badModes() {
        return deployment(REDIS_MAIN, Beans.LockedWithBadModes.class);
    }

    @Deployment(name = "bad-config-values", managed = false)
    static JavaArchive badConfigValues() {
        return deployment(REDIS_MAIN + "locker.main.lease-time=0s\nlocker.main.wait-time=soon\nlocker.main.retry-count=-1\n"
                + "locker.main.keep-alive=sometimes\n");
    }

    @Deployment(name = "valid", managed = false)
    static JavaArchive valid() {
        return deployment(REDIS_MAIN, Beans.DefaultLocker.class, Beans.ValidLockedMethods.class);
    }

    @Test
    void keyPrefixesAndMisspeltSettingsFailTheDeploymentNamingThePropertyAndTheFix() {
        assertThat(failureOf("bad-key-prefixes"))
                .contains("'locker.main.key-prefix' is invalid: must not contain '{' or '}', which Redis Cluster reads as "
                        + "a hash tag (was '{main}:')")
                .contains("'locker.other.key-prefix' is invalid: may end with '/' but not contain one (was 'a/b')")
                .contains("'locker.other.lease-tme' is not a setting of locker.other: did you mean 'locker.other.lease-time'?")
                .contains("'locker.third.drivr' belongs to no configured locker: did you mean 'locker.third.driver'?")
                .doesNotContain("connect");
    }

    @Test
    void aNamedLockerThatIsNotConfiguredFailsWithOurMessageNotWelds() {
        assertThat(failureOf("unknown-named"))
                .contains("UnknownNamedLocker#locker references locker 'orderz', but no 'locker.orderz.driver' is configured. "
                        + "Configured lockers: [main].")
                .doesNotContain("Unsatisfied dependencies");
    }

    @Test
    void theDefaultLockerIsAmbiguousWithTwoLockersAndNoneNamedDefault() {
        assertThat(failureOf("no-default"))
                .contains("DefaultLocker#locker uses the default locker, but none is configured")
                .contains("Configured lockers: [main, other]");
    }

    @Test
    void lockedNamingALockerThatIsNotConfigured() {
        assertThat(failureOf("locked-unknown"))
                .contains("@Locked on 'LockedOnUnknownLocker#pay(String)' references locker 'orderz', but no "
                        + "'locker.orderz.driver' is configured. Configured lockers: [main].");
    }

    @Test
    void aDriverNoInstalledDriverAnswersTo() {
        assertThat(failureOf("unknown-driver"))
                .contains("Locker 'main' uses driver 'mongo' (locker.main.driver), but no installed driver has that name. ")
                // the memory driver is installed where the test has locker-testing (Weld), not on Payara
                .containsPattern("Installed drivers: \\[etcd, (memory, )?redis\\]\\. Add the jar of the driver named 'mongo' "
                        + "\\(it lists its class in META-INF/services/io.github.locker.spi.LockerDriver\\), or fix the name\\.");
    }

    @Test
    void aMissingBackendSection() {
        assertThat(failureOf("missing-section"))
                .contains("Locker 'main': Redis section 'redis.main' has no 'redis.main.uri': set it to e.g. redis://127.0.0.1:6379");
    }

    @Test
    void aMalformedUriIsNamedWithoutItsPassword() {
        assertThat(failureOf("malformed-uri"))
                .contains("Locker 'main': 'redis.main.uri' has no scheme (it must begin with redis://, rediss:// or "
                        + "redis-sentinel://): 'redis//:****@localhost:6379'")
                .doesNotContain("hunter2");
    }

    @Test
    void aBadEtcdEndpointList() {
        assertThat(failureOf("bad-endpoints"))
                .contains("Locker 'main': 'etcd.main.endpoints' has an endpoint that is not a URI: '127.0.0.1:2379'; "
                        + "write e.g. http://127.0.0.1:2379");
    }

    @Test
    void aKeyTemplateNamingAParameterTheMethodDoesNotHave() {
        assertThat(failureOf("missing-parameter"))
                .contains("@Locked on 'LockedWithMissingParameter#checkIn(String, String)' has key template "
                        + "'checkin:{uidd}:{day}', but the method has no parameter 'uidd'. Parameters: [uid, day].");
    }

    @Test
    void aKeyTemplatePositionBeyondTheParameters() {
        assertThat(failureOf("position-out-of-range"))
                .contains("@Locked on 'LockedWithPositionOutOfRange#ship(String)' has key template 'order:{1}', but the "
                        + "method has no parameter {1} (1 parameters, counted from {0}).");
    }

    @Test
    void aMethodWhoseResultRunsAfterItReturnsIsRefused() {
        assertThat(failureOf("lazy-result"))
                .contains("@Locked on 'LockedWithLazyResult#feed()' returns java.util.concurrent.Flow$Publisher, which does "
                        + "its work only when subscribed, after the method has returned")
                .contains("Return a CompletionStage, or Mutiny's Uni or Multi");
    }

    @Test
    void aClassLevelTemplateIsCheckedOnEveryBusinessMethod() {
        String failure = failureOf("class-template");
        assertThat(failure).contains("@Locked on 'LockedClassWithTemplate#archive(int)' has key template 'report:{day}', "
                + "but the method has no parameter 'day'. Parameters: [year].");
        assertThat(failure).doesNotContain("build(String)");
    }

    @Test
    void unparsableAndNonPositiveDurationsInTheAnnotation() {
        assertThat(failureOf("bad-annotation-durations"))
                .contains("@Locked on 'LockedWithBadDurations#settle()' has waitTime = \"soon\", which is invalid: not a duration")
                .contains("@Locked on 'LockedWithBadDurations#settle()' has leaseTime = \"0s\", which is invalid: a lease must be positive")
                .contains("@Locked on 'LockedWithBadDurations#tick()' has holdAtLeast = \"2m\", which is invalid: holdAtLeast must "
                        + "not be longer than the lease time (PT10S), was PT2M")
                .contains("3 problems");
    }

    @Test
    void aSemaphoreNeedsAPositiveCountAndIsNotShared() {
        assertThat(failureOf("bad-modes"))
                .contains("@Locked on 'LockedWithBadModes#withoutCount()' has mode = \"PERMIT\", which is invalid: a semaphore "
                        + "needs its count: give permits = N (1 or more) instead of mode = PERMIT")
                .contains("@Locked on 'LockedWithBadModes#negativeCount()' has permits = \"-1\", which is invalid: a semaphore "
                        + "admits 1 or more holders")
                .contains("@Locked on 'LockedWithBadModes#sharedPermits()' has mode = \"SHARED\", which is invalid: permits = 3 "
                        + "makes it a semaphore")
                .contains("3 problems");
    }

    @Test
    void everyBadConfigurationValueIsReportedTogether() {
        assertThat(failureOf("bad-config-values"))
                .contains("4 problems")
                .contains("'locker.main.lease-time' is invalid: leaseTime must be at least 1 ms, was PT0S")
                .contains("locker.main.wait-time 'soon' is not a duration")
                .contains("'locker.main.retry-*' is invalid: retry count must not be negative, was -1")
                .contains("'locker.main.keep-alive' must be true or false, was 'sometimes'");
    }

    @Test
    void aValidDeploymentStartsWithoutConnecting() {
        deployer.deploy("valid");
        deployer.undeploy("valid");
    }

    /** @return every message in the failure's cause chain */
    private String failureOf(String deployment) {
        try {
            deployer.deploy(deployment);
        } catch (RuntimeException failure) {
            return LogCapture.chain(failure);
        } finally {
            try {
                deployer.undeploy(deployment);
            } catch (RuntimeException notDeployed) {
                // a failed deployment may leave nothing to undeploy
            }
        }
        return fail("deployment '" + deployment + "' started, but should have failed");
    }
}
