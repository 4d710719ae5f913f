package io.github.locker.cdi;

import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.SkipIfPortableExtensionPresent;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanBuilder;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.Validation;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.AnnotationMember;
import jakarta.enterprise.lang.model.declarations.ClassInfo;
import jakarta.enterprise.lang.model.declarations.DeclarationInfo;
import jakarta.enterprise.lang.model.declarations.MethodInfo;
import jakarta.enterprise.lang.model.declarations.ParameterInfo;
import jakarta.enterprise.lang.model.types.Type;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The build-compatible twin of {@link LockerExtension}, for CDI Lite containers such as Quarkus
 * ArC, where it runs at build time. It reads the same things from the build-time model instead
 * of reflection and hands them to the same {@link DeploymentRules}, so a wrong reference fails the
 * build with the same message. Configuration is checked again when the application starts
 * ({@link LockerRegistry}), since it may differ at run time.
 */
@SkipIfPortableExtensionPresent(LockerExtension.class)
public class LockerBuildExtension implements BuildCompatibleExtension {
    private static final String NAMED = "jakarta.inject.Named";

    private final List<LockerInjection> injections = new ArrayList<>();
    private final List<LockedMethod> lockedMethods = new ArrayList<>();
    private DeploymentRules rules;

    @Discovery
    public void addInternalBeans(ScannedClasses classes) {
        classes.add(LockerRegistry.class.getName());
        classes.add(ConfiguredLocker.class.getName());
        classes.add(ThreadLockContext.class.getName());
        classes.add(LockedInterceptor.class.getName());
        HealthSupport.readinessCheck().ifPresent(check -> classes.add(check.getName()));
    }

    @Registration(types = Object.class)
    public void collect(BeanInfo bean) {
        for (InjectionPointInfo point : bean.injectionPoints()) {
            if (point.type().isClass() && point.type().asClass().declaration().name().equals(Locker.class.getName())) {
                injections.add(new LockerInjection(describe(point.declaration()), named(point)));
            }
        }
        if (bean.isClassBean() && !bean.isInterceptor()) {
            ClassInfo type = bean.declaringClass();
            AnnotationInfo onType = type.annotation(Locked.class);
            for (MethodInfo method : type.methods()) {
                LockedSpec.governing(method.annotation(Locked.class), onType, isBusinessMethod(method)).map(LockedSpec::of)
                        .ifPresent(spec -> lockedMethods.add(new LockedMethod(describe(method), spec,
                                method.parameters().stream().map(ParameterInfo::name).toList(), name(method.returnType()))));
            }
        }
    }

    @Synthesis
    public void addLockers(SyntheticComponents components) {
        LockerConfiguration configuration = LockerConfiguration.read(ConfigProvider.getConfig());
        rules = new DeploymentRules(configuration, LockerRegistry.classLoader());
        String defaultLocker = configuration.defaultLocker().orElse(null);
        for (String name : configuration.lockers().keySet()) {
            SyntheticBeanBuilder<Locker> bean = lockerBean(components, name).createWith(ConfiguredLockerCreator.class);
            if (name.equals(defaultLocker)) {
                bean.qualifier(Default.Literal.INSTANCE);
            }
        }
        injections.stream().map(LockerInjection::locker)
                .filter(name -> name != null && !configuration.lockers().containsKey(name))
                .collect(Collectors.toCollection(TreeSet::new))
                .forEach(name -> lockerBean(components, name).createWith(PlaceholderCreator.class));
        if (defaultLocker == null && injections.stream().anyMatch(point -> point.locker() == null)) {
            components.addBean(Locker.class).type(Locker.class).scope(ApplicationScoped.class)
                    .qualifier(Default.Literal.INSTANCE).createWith(PlaceholderCreator.class);
        }
    }

    @Validation
    public void reportProblems(Messages messages) {
        List<String> problems = rules.check(injections, lockedMethods);
        if (!problems.isEmpty()) {
            messages.error(Problems.deploymentFailed(problems));
        }
    }

    private static SyntheticBeanBuilder<Locker> lockerBean(SyntheticComponents components, String name) {
        return components.addBean(Locker.class).type(Locker.class).scope(ApplicationScoped.class)
                .qualifier(NamedLiteral.of(name)).qualifier(ConfiguredLocker.Literal.INSTANCE)
                .withParam("name", name);
    }

    /** Makes the bean of a configured locker: the registry's locker of that name. */
    public static final class ConfiguredLockerCreator implements SyntheticBeanCreator<Locker> {
        @Override
        public Locker create(Instance<Object> lookup, Parameters parameters) {
            return lookup.select(LockerRegistry.class).get().locker(parameters.get("name", String.class));
        }
    }

    /** Stands in for a locker that is not configured, so the build fails on our message; never created. */
    public static final class PlaceholderCreator implements SyntheticBeanCreator<Locker> {
        @Override
        public Locker create(Instance<Object> lookup, Parameters parameters) {
            throw new IllegalStateException("placeholder of a locker that is not configured: the deployment has failed");
        }
    }

    private static String named(InjectionPointInfo point) {
        return point.qualifiers().stream().filter(qualifier -> qualifier.name().equals(NAMED)).findFirst()
                .map(named -> Optional.ofNullable(named.value()).map(AnnotationMember::asString).orElse(""))
                .map(value -> value.isEmpty() && point.declaration().isField() ? point.declaration().asField().name() : value)
                .orElse(null);
    }

    private static boolean isBusinessMethod(MethodInfo method) {
        return !method.isStatic() && !Modifier.isPrivate(method.modifiers())
                && !method.declaringClass().name().equals(Object.class.getName());
    }

    private static String describe(DeclarationInfo declaration) {
        if (declaration.isField()) {
            return declaration.asField().declaringClass().simpleName() + "#" + declaration.asField().name();
        }
        ParameterInfo parameter = declaration.asParameter();
        MethodInfo method = parameter.declaringMethod();
        return method.declaringClass().simpleName() + "#" + (method.isConstructor() ? "<init>" : method.name())
                + " parameter " + method.parameters().indexOf(parameter);
    }

    private static String describe(MethodInfo method) {
        return method.declaringClass().simpleName() + "#" + method.name() + "("
                + method.parameters().stream().map(parameter -> simpleName(parameter.type())).collect(Collectors.joining(", ")) + ")";
    }

    /** @return the type's fully qualified name without type arguments, as reflection's {@code Class#getName} for classes */
    private static String name(Type type) {
        if (type.isClass()) {
            return type.asClass().declaration().name();
        }
        if (type.isParameterizedType()) {
            return type.asParameterizedType().declaration().name();
        }
        return type.toString();
    }

    private static String simpleName(Type type) {
        if (type.isClass()) {
            return type.asClass().declaration().simpleName();
        }
        if (type.isPrimitive()) {
            return type.asPrimitive().name();
        }
        if (type.isParameterizedType()) {
            return type.asParameterizedType().declaration().simpleName();
        }
        if (type.isArray()) {
            return simpleName(type.asArray().componentType()) + "[]";
        }
        return type.toString();
    }
}
