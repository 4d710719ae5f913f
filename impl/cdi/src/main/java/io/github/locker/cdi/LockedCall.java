package io.github.locker.cdi;

import io.github.locker.LockOptions;
import io.github.locker.Locked;
import io.github.locker.Locker;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything about calls of one {@code @Locked} method of one bean class that does not change
 * between calls: planned once per application ({@link LockerRegistry#call}), not per interceptor
 * instance, of which the container makes one per bean instance.
 */
record LockedCall(String where, Locker locker, LockOptions options, Locked.Contention contention, List<KeyTemplate> templates,
        String fixedKey, List<String> parameterNames, Class<?> returnType) {

    private static final Map<Class<?>, Object> ZEROES = Map.of(boolean.class, false, char.class, '\0',
            byte.class, (byte) 0, short.class, (short) 0, int.class, 0, long.class, 0L, float.class, 0f, double.class, 0d);

    /**
     * @param method the intercepted method
     * @param beanClass the class of the intercepted instance (the container's subclass of the bean
     *     class, which inherits its {@code @Locked})
     * @param registry resolves the annotation's locker
     * @return the plan of that method's calls
     * @throws IllegalArgumentException when the locker does not resolve (the deployment rules refuse it first)
     */
    static LockedCall plan(Method method, Class<?> beanClass, LockerRegistry registry) {
        // an intercepted method is a business method: the class's binding applies to it
        LockedSpec spec = LockedSpec.governing(method.getAnnotation(Locked.class), beanClass.getAnnotation(Locked.class), true)
                .map(LockedSpec::of).orElseThrow(() -> new IllegalStateException("@Locked interceptor called for '"
                        + method + "', which has no @Locked on it or on " + beanClass.getName()));
        Locker locker = registry.resolve(spec.locker());
        String where = method.getDeclaringClass().getSimpleName() + "#" + method.getName();
        List<KeyTemplate> templates = spec.keys().stream().map(KeyTemplate::parse).toList();
        String fixedKey = method.getDeclaringClass().getName() + "." + method.getName();
        List<String> parameterNames = Arrays.stream(method.getParameters()).map(Parameter::getName).toList();
        return new LockedCall(where, locker, spec.options(locker.defaultOptions()), spec.onContention(), templates, fixedKey,
                parameterNames, method.getReturnType());
    }

    /** @return the call's keys: one per template, or the method's own name when there is none */
    List<String> keys(Object[] arguments) {
        return templates.isEmpty() ? List.of(fixedKey)
                : templates.stream().map(template -> template.render(arguments, parameterNames)).toList();
    }

    ResultKind result() {
        return ResultKind.of(returnType);
    }

    /** What a skipped call returns: nothing, in the return type's own way. */
    Object nothing() {
        if (returnType == Optional.class) {
            return Optional.empty();
        }
        return ZEROES.get(returnType);
    }
}
