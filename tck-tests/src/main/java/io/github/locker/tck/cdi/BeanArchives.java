package io.github.locker.tck.cdi;

import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ClassAsset;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.container.ClassContainer;
import org.jboss.shrinkwrap.api.container.ResourceContainer;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/** The bean jars the CDI contracts deploy, and the TCK's beans in other deployments. */
public final class BeanArchives {
    private BeanArchives() {
    }

    /**
     * @param configuration the jar's {@code META-INF/microprofile-config.properties}
     * @param beans its classes
     * @return a bean archive (annotated discovery) of these classes, as {@link #withBeans} adds them
     */
    public static JavaArchive of(String configuration, Class<?>... beans) {
        return withBeans(ShrinkWrap.create(JavaArchive.class), beans)
                .addAsManifestResource(new StringAsset(configuration), "microprofile-config.properties")
                .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    /**
     * @param <T> a jar or a WAR
     * @param archive where to add the classes
     * @param beans the classes; a nested one comes with the class file of its enclosing class
     *     alone (not its other members, which are other tests' beans): an application server
     *     loads a nested class only with its enclosing one
     * @return the archive
     */
    public static <T extends Archive<T> & ClassContainer<T> & ResourceContainer<T>> T withBeans(T archive, Class<?>... beans) {
        archive.addClasses(beans);
        for (Class<?> bean : beans) {
            for (Class<?> enclosing = bean.getEnclosingClass(); enclosing != null; enclosing = enclosing.getEnclosingClass()) {
                archive.addAsResource(new ClassAsset(enclosing), enclosing.getName().replace('.', '/') + ".class");
            }
        }
        return archive;
    }
}
