package io.github.locker.cdi;

import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Named;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The portable extension (Weld SE, Payara and other full CDI containers). It collects every
 * {@code Locker} injection point and every {@code @Locked} method while beans are discovered,
 * adds one bean per configured locker, and fails the deployment with every problem at once.
 *
 * <p>A reference to a locker that is not configured would make the container fail first, with a
 * generic "unsatisfied dependency". So such references get a placeholder bean, and the deployment
 * fails on our message instead, which names the member and the configured lockers.
 */
public class LockerExtension implements Extension {
    private final List<LockerInjection> injections = new ArrayList<>();
    private final List<LockedMethod> lockedMethods = new ArrayList<>();
    private DeploymentRules rules;

    void addInternalBeans(@Observes BeforeBeanDiscovery discovery) {
        discovery.addAnnotatedType(LockerRegistry.class, LockerRegistry.class.getName());
        discovery.addAnnotatedType(ThreadLockContext.class, ThreadLockContext.class.getName());
        discovery.addAnnotatedType(LockedInterceptor.class, LockedInterceptor.class.getName());
        HealthSupport.readinessCheck().ifPresent(check -> discovery.addAnnotatedType(check, check.getName()));
    }

    void collectInjection(@Observes ProcessInjectionPoint<?, Locker> event) {
        InjectionPoint point = event.getInjectionPoint();
        String named = point.getQualifiers().stream().filter(Named.class::isInstance).map(Named.class::cast)
                .map(Named::value)
                .map(value -> value.isEmpty() && point.getMember() instanceof Field field ? field.getName() : value)
                .findFirst().orElse(null);
        injections.add(new LockerInjection(describe(point), named));
    }

    <T> void collectLockedMethods(@Observes ProcessManagedBean<T> event) {
        AnnotatedType<T> type = event.getAnnotatedBeanClass();
        if (type.isAnnotationPresent(Interceptor.class)) {
            return; // the interceptor carries the binding; it is not a method under a lock
        }
        Locked onType = type.getAnnotation(Locked.class);
        for (AnnotatedMethod<? super T> method : type.getMethods()) {
            Method member = method.getJavaMember();
            LockedSpec.governing(method.getAnnotation(Locked.class), onType, isBusinessMethod(member)).map(LockedSpec::of)
                    .ifPresent(spec -> lockedMethods.add(new LockedMethod(describe(member), spec,
                            Arrays.stream(member.getParameters()).map(Parameter::getName).toList(),
                            member.getReturnType().getName())));
        }
    }

    void addLockers(@Observes AfterBeanDiscovery discovery) {
        LockerConfiguration configuration = LockerConfiguration.read(ConfigProvider.getConfig());
        rules = new DeploymentRules(configuration, LockerRegistry.classLoader());
        String defaultLocker = configuration.defaultLocker().orElse(null);
        configuration.lockers().keySet().forEach(name -> discovery.addBean()
                .types(Locker.class, Object.class)
                .qualifiers(qualifiers(name, name.equals(defaultLocker)))
                .scope(ApplicationScoped.class)
                .produceWith(lookup -> lookup.select(LockerRegistry.class).get().locker(name)));

        Set<String> unknown = injections.stream().map(LockerInjection::locker)
                .filter(name -> name != null && !configuration.lockers().containsKey(name))
                .collect(Collectors.toCollection(TreeSet::new));
        boolean defaultMissing = defaultLocker == null && injections.stream().anyMatch(point -> point.locker() == null);
        unknown.forEach(name -> addPlaceholder(discovery, qualifiers(name, false)));
        if (defaultMissing) {
            addPlaceholder(discovery, new Annotation[] {Default.Literal.INSTANCE, Any.Literal.INSTANCE});
        }
    }

    void reportProblems(@Observes AfterDeploymentValidation validation) {
        List<String> problems = rules.check(injections, lockedMethods);
        if (!problems.isEmpty()) {
            validation.addDeploymentProblem(new DeploymentException(Problems.deploymentFailed(problems)));
        }
    }

    /** Satisfies a reference to a locker that is not configured, so the deployment fails on our message. */
    private static void addPlaceholder(AfterBeanDiscovery discovery, Annotation[] qualifiers) {
        discovery.addBean().types(Locker.class, Object.class).qualifiers(qualifiers).scope(ApplicationScoped.class)
                .produceWith(lookup -> {
                    throw new IllegalStateException("placeholder of a locker that is not configured: the deployment has failed");
                });
    }

    private static Annotation[] qualifiers(String name, boolean isDefault) {
        return isDefault
                ? new Annotation[] {NamedLiteral.of(name), ConfiguredLocker.Literal.INSTANCE, Default.Literal.INSTANCE, Any.Literal.INSTANCE}
                : new Annotation[] {NamedLiteral.of(name), ConfiguredLocker.Literal.INSTANCE, Any.Literal.INSTANCE};
    }

    private static boolean isBusinessMethod(Method method) {
        int modifiers = method.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isPrivate(modifiers) && method.getDeclaringClass() != Object.class;
    }

    private static String describe(InjectionPoint point) {
        Member member = point.getMember();
        if (member instanceof Field field) {
            return field.getDeclaringClass().getSimpleName() + "#" + field.getName();
        }
        if (member instanceof Executable executable && point.getAnnotated() instanceof jakarta.enterprise.inject.spi.AnnotatedParameter<?> parameter) {
            String method = executable instanceof Constructor<?> ? "<init>" : executable.getName();
            return executable.getDeclaringClass().getSimpleName() + "#" + method + " parameter " + parameter.getPosition();
        }
        return String.valueOf(point);
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "#" + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}
