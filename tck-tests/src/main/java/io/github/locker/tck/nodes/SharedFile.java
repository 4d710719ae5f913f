package io.github.locker.tck.nodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A text file several JVMs append to and read, one at a time: an operating-system lock orders the
 * processes, a local lock the threads of one process (the OS lock is per process). It is the
 * tests' independent witness: it knows nothing of the lock under test.
 */
final class SharedFile {
    private final Path path;
    private final ReentrantLock threads = new ReentrantLock();

    SharedFile(Path path) {
        this.path = path;
    }

    /** Runs {@code decide} on the file's lines and appends the line it returns, if any, atomically across processes. */
    <T> T update(Function<List<String>, Decision<T>> decide) {
        threads.lock();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock processes = channel.lock()) {
            List<String> lines = List.of(readAll(channel).split("\n", -1)).stream().filter(line -> !line.isEmpty()).toList();
            Decision<T> decision = decide.apply(lines);
            if (decision.append() != null) {
                // no fsync: the other processes read the kernel's page cache, and a test never outlives the machine
                channel.write(ByteBuffer.wrap((decision.append() + "\n").getBytes(StandardCharsets.UTF_8)), channel.size());
            }
            return decision.answer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + path, e);
        } finally {
            threads.unlock();
        }
    }

    /** Appends one line. */
    void append(String line) {
        update(lines -> new Decision<Void>(line, null));
    }

    /** @return every line, read under the same locks */
    List<String> lines() {
        return update(lines -> new Decision<>(null, lines));
    }

    static List<String> read(Path path) {
        try {
            return Files.exists(path) ? Files.readAllLines(path).stream().filter(line -> !line.isEmpty()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readAll(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read until full
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** A line to append (or null) and the answer to give. */
    record Decision<T>(String append, T answer) {
    }
}
