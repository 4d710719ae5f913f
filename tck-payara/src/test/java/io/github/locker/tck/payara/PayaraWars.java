package io.github.locker.tck.payara;

import io.github.locker.tck.TckBackend;
import io.github.locker.tck.cdi.BeanArchives;
import io.github.locker.tck.cdi.GuardedBeans;
import io.github.locker.tck.cdi.LockedInterceptorContract;
import io.github.locker.tck.nodes.Journal;
import io.github.locker.tck.payara.ejb.Occupancy;
import io.github.locker.tck.payara.nodes.JournaledSections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WARs of the Payara runs. Each carries the library as an application does, as the README
 * tells users: {@code locker-cdi}, {@code locker-redis}, {@code locker-etcd} and their
 * dependencies (Lettuce, jetcd, gRPC, Vert.x, one Netty), all in {@code WEB-INF/lib}. The build copies exactly these
 * jars, the runtime dependencies of this module, into the directory named by
 * {@code locker.payara.warLib}.
 */
public final class PayaraWars {
    private PayaraWars() {
    }

    /**
     * @param war an application
     * @return the same WAR, with the library and its dependencies in {@code WEB-INF/lib}
     */
    public static WebArchive withLocker(WebArchive war) {
        String directory = System.getProperty("locker.payara.warLib");
        if (directory == null) {
            throw new IllegalStateException("locker.payara.warLib is not set: run the tests through Maven, which copies "
                    + "the WAR's libraries there");
        }
        try (Stream<Path> jars = Files.list(Path.of(directory))) {
            jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().forEach(jar -> war.addAsLibrary(jar.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return war;
    }

    /**
     * @param backend the driver and server under test
     * @return the interceptor contract's deployment in a WAR: its bean jar, and the contract's
     *     classes, as its tests run inside Payara
     */
    public static WebArchive interceptorContract(TckBackend backend) {
        return testedInside(ShrinkWrap.create(WebArchive.class, "interceptor-" + backend.driver() + ".war")
                .addAsLibrary(LockedInterceptorContract.deployment(backend))
                .addClass(PayaraLockedInterceptorRun.class), backend);
    }

    /**
     * @param backend the driver and server under test
     * @return the EJB test's deployment, laid out as an application's: the session beans and the
     *     CDI bean in {@code WEB-INF/classes}, the lockers in
     *     {@code WEB-INF/classes/META-INF/microprofile-config.properties}
     */
    public static WebArchive ejbs(TckBackend backend) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "ejbs-" + backend.driver() + ".war")
                .addPackage(Occupancy.class.getPackage())
                .addAsResource(new StringAsset(LockedInterceptorContract.configuration(backend)),
                        "META-INF/microprofile-config.properties");
        return testedInside(BeanArchives.withBeans(war, GuardedBeans.LossWitness.class), backend);
    }

    /**
     * @param redis a Redis backend
     * @param etcd an etcd backend
     * @return the two-instance test's application, carrying the library itself as it is not a
     *     test deployment: lockers {@code redis} and {@code etcd}, the journaled section (an
     *     enterprise bean) and the servlet that calls it
     */
    public static WebArchive contention(TckBackend redis, TckBackend etcd) {
        return application("contend", redis.configuration("redis") + etcd.configuration("etcd"))
                .addPackage(JournaledSections.class.getPackage())
                .addClass(Journal.class).addClass(Journal.class.getPackageName() + ".SharedFile");
    }

    /**
     * @param name the application's name: {@code <name>.war}, deployed at {@code /<name>}
     * @param configuration its {@code META-INF/microprofile-config.properties}
     * @return an application that is not a test deployment, so it carries the library itself: the
     *     library, the lockers, and {@code WEB-INF/beans.xml}, which makes the module a CDI one (and
     *     so runs the library's extension); its own classes are the caller's to add
     */
    public static WebArchive application(String name, String configuration) {
        return withLocker(ShrinkWrap.create(WebArchive.class, name + ".war")
                .addAsResource(new StringAsset(configuration), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml"));
    }

    /**
     * Completes a WAR whose tests run inside Payara: the backend they reach, the contract's helpers
     * they call, and a bean archive of the WAR's own classes ({@code WEB-INF/beans.xml}): without
     * one, Payara gives the module no {@code BeanManager}, and Arquillian cannot inject a test's fields.
     */
    private static WebArchive testedInside(WebArchive war, TckBackend backend) {
        return DeployedBackend.carry(war.addClass(LockedInterceptorContract.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml"), backend);
    }
}
