package io.github.locker.cdi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** How a {@code @Locked} method's result holds its work, which decides when its lock is released. */
enum ResultKind {
    /** A plain value: released when the method returns. */
    PLAIN,
    /** A {@link CompletionStage} or {@link CompletableFuture}: released when the stage completes. */
    STAGE,
    /** Mutiny's {@code Uni}: taken on subscription, released when it terminates. */
    UNI,
    /** Mutiny's {@code Multi}: taken on subscription, released when it terminates. */
    MULTI;

    static final String UNI_TYPE = "io.smallrye.mutiny.Uni";
    static final String MULTI_TYPE = "io.smallrye.mutiny.Multi";

    /** @param returnType a method's declared return type */
    static ResultKind of(Class<?> returnType) {
        if (returnType == CompletionStage.class || returnType == CompletableFuture.class) {
            return STAGE;
        }
        return switch (returnType.getName()) {
            case UNI_TYPE -> UNI;
            case MULTI_TYPE -> MULTI;
            default -> PLAIN;
        };
    }
}
