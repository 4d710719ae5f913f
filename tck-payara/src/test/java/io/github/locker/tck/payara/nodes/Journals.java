package io.github.locker.tck.payara.nodes;

import io.github.locker.tck.nodes.Journal;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** This JVM's journals: one {@link Journal} per file, shared by its threads (the file lock that orders JVMs is per process). */
@ApplicationScoped
public class Journals {
    private final Map<String, Journal> byPath = new ConcurrentHashMap<>();

    /**
     * @param path a journal file, shared with the other instance
     * @return this JVM's journal of it
     */
    public Journal of(String path) {
        return byPath.computeIfAbsent(path, file -> new Journal(Path.of(file)));
    }
}
