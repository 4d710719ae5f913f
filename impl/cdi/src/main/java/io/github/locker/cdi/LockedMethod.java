package io.github.locker.cdi;

import java.util.List;

/**
 * A business method that runs under {@code @Locked}, as the deployment rules see it.
 *
 * @param where the method for messages: {@code OrderService#pay(String, int)}
 * @param spec the effective annotation (the method's, else its class's)
 * @param parameterNames the parameter names as compiled ({@code arg0}... without {@code -parameters})
 * @param returnType the fully qualified name of the declared return type, without type arguments
 *     (its binary name: {@code io.smallrye.mutiny.Uni}, {@code java.util.concurrent.Flow$Publisher}, {@code void})
 */
record LockedMethod(String where, LockedSpec spec, List<String> parameterNames, String returnType) {
}
