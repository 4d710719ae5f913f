package io.github.locker.tck.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of critical sections, kept by every node in one file: {@code E <token> <node>} on
 * entering, {@code X <token> <node>} on leaving, with a fourth field for a hold that is not
 * exclusive: {@code S} (shared) or {@code P<n>} (a permit of a semaphore of n). It shows:
 * <ul>
 *   <li>mutual exclusion: an exclusive section never overlaps another section, and a shared one
 *       never overlaps an exclusive one;</li>
 *   <li>the permit bound: never more than n permit sections at once;</li>
 *   <li>fencing: an exclusive section's token is above every token entered before it, a shared
 *       one's above every exclusive token before it, and a permit's tokens never repeat.</li>
 * </ul>
 * With exclusive sections only, that is: entries alternate E, X with the same token, and tokens
 * strictly increase.
 */
public final class Journal {
    private final SharedFile file;

    /** @param path the journal file, shared by every node */
    public Journal(Path path) {
        this.file = new SharedFile(path);
    }

    /**
     * Records entering an exclusive critical section; public for nodes outside this package (an
     * application server's beans, for one).
     *
     * @param token the fencing token of the lock held
     * @param node who entered
     */
    public void enter(long token, String node) {
        file.append("E " + token + " " + node);
    }

    /**
     * Records entering a section under a hold of another kind.
     *
     * @param token the fencing token of the hold
     * @param node who entered
     * @param kind {@code S} for shared, {@code P<n>} for a permit of n
     */
    public void enter(long token, String node, String kind) {
        file.append("E " + token + " " + node + " " + kind);
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
        Map<String, String> inside = new LinkedHashMap<>(); // "<token> <node>" -> kind, of the sections open now
        long highestToken = Long.MIN_VALUE;
        long lastExclusiveToken = Long.MIN_VALUE;
        int sections = 0;
        int mostInsideAtOnce = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] entry = line.split(" ");
            String section = entry[1] + " " + entry[2];
            long token = Long.parseLong(entry[1]);
            String where = "line " + (i + 1) + ": " + line;
            if (entry[0].equals("X")) {
                if (inside.remove(section) == null) {
                    problems.add(where + " left, but was not inside; inside: " + inside.keySet());
                }
                continue;
            }
            String kind = entry.length > 3 ? entry[3] : "X";
            if (kind.equals("X")) {
                if (!inside.isEmpty()) {
                    problems.add(where + " entered while " + inside.keySet() + " were inside");
                }
                if (token <= highestToken) {
                    problems.add(where + ": token " + token + " after token " + highestToken);
                }
                lastExclusiveToken = token;
            } else if (kind.equals("S")) {
                if (inside.containsValue("X")) {
                    problems.add(where + " entered shared while " + inside + " were inside");
                }
                if (token <= lastExclusiveToken) {
                    problems.add(where + ": shared token " + token + " after exclusive token " + lastExclusiveToken);
                }
            } else {
                int permits = Integer.parseInt(kind.substring(1));
                if (inside.size() >= permits) {
                    problems.add(where + " entered with " + inside.size() + " of " + permits + " permits inside: " + inside.keySet());
                }
                if (inside.keySet().stream().anyMatch(open -> open.startsWith(entry[1] + " "))) {
                    problems.add(where + ": token " + token + " held twice");
                }
            }
            highestToken = Math.max(highestToken, token);
            inside.put(section, kind);
            mostInsideAtOnce = Math.max(mostInsideAtOnce, inside.size());
            sections++;
        }
        return new Verdict(sections, List.copyOf(problems), mostInsideAtOnce);
    }

    /**
     * @param sections how many critical sections were entered
     * @param problems every overlap, every bound passed and every token out of order, with its line
     * @param mostInsideAtOnce the most sections open at once (1 for exclusive sections only)
     */
    public record Verdict(int sections, List<String> problems, int mostInsideAtOnce) {
    }
}
