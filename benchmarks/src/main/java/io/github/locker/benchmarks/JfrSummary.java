package io.github.locker.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A text summary of the CPU samples of a Flight Recorder file: which library the running frame
 * belongs to, the hottest frames, and where the samples that pass through our code spend it.
 */
final class JfrSummary {
    /** Package prefixes and the library they belong to; the first match wins. */
    private static final List<Map.Entry<String, String>> LIBRARIES = List.of(
            Map.entry("io.github.locker.benchmarks.", "benchmark"),
            Map.entry("io.github.locker.", "locker"),
            Map.entry("io.lettuce.", "Lettuce"),
            Map.entry("io.netty.", "Netty"),
            Map.entry("org.redisson.", "Redisson"),
            Map.entry("io.grpc.", "gRPC"),
            Map.entry("io.vertx.", "Vert.x"),
            Map.entry("io.etcd.", "jetcd"),
            Map.entry("org.jboss.weld.", "Weld"),
            Map.entry("org.openjdk.jmh.", "JMH"),
            Map.entry("java.", "JDK"),
            Map.entry("jdk.", "JDK"),
            Map.entry("sun.", "JDK"));

    private JfrSummary() {
    }

    /**
     * @param recording a {@code .jfr} file
     * @param top how many frames to list
     * @return the summary, as markdown lines
     */
    static String of(Path recording, int top) throws IOException {
        Map<String, Integer> libraryOfRunningFrame = new HashMap<>();
        Map<String, Integer> runningFrames = new HashMap<>();
        Map<String, Integer> throughOurCode = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                        || event.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                String running = name(frames.get(0));
                runningFrames.merge(running, 1, Integer::sum);
                libraryOfRunningFrame.merge(library(running), 1, Integer::sum);
                Set<String> ours = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = name(frame);
                    if (library(method).equals("locker")) {
                        ours.add(method);
                    }
                }
                ours.forEach(method -> throughOurCode.merge(method, 1, Integer::sum));
            }
        }
        int total = Math.max(1, samples);
        return "- " + samples + " CPU samples (all threads). Running frame by library: "
                + share(libraryOfRunningFrame, total, 8) + "\n"
                + "- hottest running frames: " + share(runningFrames, total, top) + "\n"
                + "- our methods on the stack (inclusive): " + share(throughOurCode, total, top) + "\n";
    }

    private static String share(Map<String, Integer> counts, int total, int top) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .map(entry -> "`" + entry.getKey() + "` " + Math.round(100.0 * entry.getValue() / total) + " %")
                .collect(Collectors.joining(", "));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String library(String method) {
        return LIBRARIES.stream().filter(entry -> method.startsWith(entry.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("other");
    }
}
