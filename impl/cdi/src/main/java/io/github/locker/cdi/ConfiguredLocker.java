package io.github.locker.cdi;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Internal qualifier of the beans this library adds for configured lockers. CDI gives a bean
 * whose only qualifiers are {@code @Named} and {@code @Any} an implicit {@code @Default}; this
 * qualifier keeps that from happening, so only the default locker answers a plain {@code @Inject Locker}.
 * Application code never needs it.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface ConfiguredLocker {

    /** The literal used when the beans are added. */
    final class Literal extends AnnotationLiteral<ConfiguredLocker> implements ConfiguredLocker {
        private static final long serialVersionUID = 1L;
        static final Literal INSTANCE = new Literal();
    }
}
