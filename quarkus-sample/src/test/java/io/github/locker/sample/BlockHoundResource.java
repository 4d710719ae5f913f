package io.github.locker.sample;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;

/**
 * Installs BlockHound before the application starts and keeps every call it catches blocking a
 * thread that must never block: Vert.x's event loops, and Netty's (Lettuce's I/O threads). A
 * report is kept for the test to assert on, with its stack, rather than thrown: thrown on an event
 * loop, it could be caught and logged by whatever called the blocking code, and the test would pass.
 *
 * <p>BlockHound cannot be uninstalled: a JVM that installs it is instrumented until it ends, which
 * is why the tests using it have a JVM of their own (the {@code without-blocking} execution). It
 * installs once per JVM, bound to what the first application loaded: its callback is this class as
 * that application loaded it, its Netty integration knows that application's Netty classes. A
 * second application in the JVM (a test class with another profile or other resources restarts
 * Quarkus) may load both anew, and read an empty list while BlockHound reports to the first: keep
 * such tests in one class, beside the self-check that proves the reports reach it.
 */
public class BlockHoundResource implements QuarkusTestResourceLifecycleManager {
    /** Frames of the library and of this sample: a report through one of them is never excused. */
    private static final String OUR_PACKAGE = "io.github.locker.";
    private static final String SAMPLE_PACKAGE = "io.github.locker.sample.";
    /**
     * Blocking that Quarkus or Vert.x does itself, briefly and by design, as frames (class, method)
     * the report passes through.
     */
    private static final Map<String, String> BENIGN = Map.of(
            // Quarkus REST's Jackson writer builds its ObjectWriter once, lazily, under a lock: the
            // first answers written at the same moment on two event loops wait for each other, once
            "io.quarkus.resteasy.reactive.jackson.runtime.serialisers.BasicServerJacksonMessageBodyWriter", "getWriter",
            // ArC creates an @ApplicationScoped bean on its first use, under the context's lock: the first
            // calls on two event loops at the same moment wait for each other, once per bean
            "io.quarkus.arc.impl.AbstractSharedContext", "get");
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final Queue<BlockingCall> REPORTED = new ConcurrentLinkedQueue<>();

    /**
     * One blocking call on a non-blocking thread.
     *
     * @param thread the thread's name
     * @param method the blocking JDK method, {@code class.method}
     * @param stack the thread's stack at the call
     */
    public record BlockingCall(String thread, String method, List<StackTraceElement> stack) {
        /** @return whether the call was made, directly or not, from {@code className.methodName} */
        public boolean cameThrough(String className, String methodName) {
            return stack.stream().anyMatch(frame -> frame.getClassName().equals(className)
                    && frame.getMethodName().equals(methodName));
        }

        /** The library's frames, not the sample's own beans and their generated proxies. */
        private static boolean isLibrary(String className) {
            return className.startsWith(OUR_PACKAGE) && !className.startsWith(SAMPLE_PACKAGE);
        }

        boolean benign() {
            return stack.stream().noneMatch(frame -> isLibrary(frame.getClassName()))
                    && BENIGN.entrySet().stream().anyMatch(frame -> cameThrough(frame.getKey(), frame.getValue()));
        }

        @Override
        public String toString() {
            return thread + " blocked in " + method + stack.stream().map(frame -> "\n\tat " + frame)
                    .collect(Collectors.joining());
        }
    }

    @Override
    public Map<String, String> start() {
        if (INSTALLED.compareAndSet(false, true)) {
            BlockHound.builder()
                    // Netty's integration: its FastThreadLocalThreads (Vert.x's event loops, Lettuce's
                    // I/O threads) are non-blocking unless they permit blocking calls (Vert.x's workers)
                    .loadIntegrations()
                    .blockingMethodCallback(BlockHoundResource::keep)
                    .install();
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // nothing to undo: BlockHound stays installed until the JVM ends
    }

    /**
     * Hands over reports and forgets them: each one fails the test that takes it, and no other.
     *
     * @param which the reports to take
     * @return those of the blocking calls reported since the JVM started that no one took before
     */
    public static List<BlockingCall> take(Predicate<BlockingCall> which) {
        List<BlockingCall> taken = REPORTED.stream().filter(which).toList();
        REPORTED.removeAll(taken);
        return taken;
    }

    private static void keep(BlockingMethod method) {
        // called on the blocking thread itself, inside the call: its stack is the culprit's, from the
        // blocking method down (above it are BlockHound's frames and this class's, which would
        // otherwise count as ours)
        List<StackTraceElement> stack = Arrays.asList(new Throwable().getStackTrace());
        int blocking = IntStream.range(0, stack.size()).filter(frame -> stack.get(frame).getClassName()
                .equals(method.getClassName()) && stack.get(frame).getMethodName().equals(method.getName())).findFirst().orElse(0);
        BlockingCall call = new BlockingCall(Thread.currentThread().getName(), method.getClassName() + "." + method.getName(),
                stack.subList(blocking, stack.size()));
        if (!call.benign()) {
            REPORTED.add(call);
        }
    }
}
