package io.github.locker.tck.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of critical sections, kept by every node in one file: {@code E <token> <node>} on
 * entering, {@code X <token> <node>} on leaving. Mutual exclusion held exactly when the entries
 * alternate E, X with the same token; fencing held when the tokens of successive sections strictly
 * increase.
 */
public final class Journal {
    private final SharedFile file;

    /** @param path the journal file, shared by every node */
    public Journal(Path path) {
        this.file = new SharedFile(path);
    }

    /**
     * Records entering a critical section; public for nodes outside this package (an application
     * server's beans, for one).
     *
     * @param token the fencing token of the lock held
     * @param node who entered
     */
    public void enter(long token, String node) {
        file.append("E " + token + " " + node);
    }

    /**
     * @param token the fencing token of the lock held
     * @param node who leaves
     */
    public void exit(long token, String node) {
        file.append("X " + token + " " + node);
    }

    /**
     * @param path a journal
     * @return what it shows
     */
    public static Verdict verify(Path path) {
        List<String> lines = SharedFile.read(path);
        List<String> problems = new ArrayList<>();
        long previousToken = Long.MIN_VALUE;
        String open = null;
        int sections = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] entry = lines.get(i).split(" ");
            long token = Long.parseLong(entry[1]);
            if (entry[0].equals("E")) {
                if (open != null) {
                    problems.add("line " + (i + 1) + ": " + lines.get(i) + " entered while " + open + " was inside");
                }
                if (token <= previousToken) {
                    problems.add("line " + (i + 1) + ": token " + token + " after token " + previousToken);
                }
                previousToken = token;
                open = lines.get(i);
                sections++;
            } else {
                if (open == null || !open.split(" ")[1].equals(entry[1])) {
                    problems.add("line " + (i + 1) + ": " + lines.get(i) + " left, but " + open + " was inside");
                }
                open = null;
            }
        }
        return new Verdict(sections, List.copyOf(problems));
    }

    /**
     * @param sections how many critical sections were entered
     * @param problems every overlap and every token out of order, with its line
     */
    public record Verdict(int sections, List<String> problems) {
    }
}
