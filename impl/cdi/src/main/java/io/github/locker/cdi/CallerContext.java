package io.github.locker.cdi;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Where the body of an asynchronous {@code @Locked} method resumes once its lock is held: on the
 * Vert.x context the call came from (on Quarkus, the request's duplicated context, so a reactive
 * endpoint and Hibernate Reactive keep working), else on the locker's own thread that completed the
 * acquisition. Vert.x is optional: nothing here loads its classes unless it is on the class path.
 */
final class CallerContext {
    private static final boolean VERTX_PRESENT = present("io.vertx.core.Vertx");
    private static final Executor SAME_THREAD = Runnable::run;

    private CallerContext() {
    }

    /** @return the executor that runs tasks on the caller's context, captured now, on the caller's thread */
    static Executor capture() {
        return VERTX_PRESENT ? VertxContexts.current() : SAME_THREAD;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, CallerContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** Only loaded when Vert.x is present. */
    private static final class VertxContexts {
        static Executor current() {
            Context context = Vertx.currentContext();
            return context == null ? SAME_THREAD : task -> context.runOnContext(ignored -> task.run());
        }
    }
}
