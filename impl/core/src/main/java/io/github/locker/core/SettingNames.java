package io.github.locker.core;

import io.github.locker.spi.BackendConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Catches misspelt setting names at deployment: a name a section does not know is reported with
 * the closest one it does ({@code lease-tme}: did you mean {@code lease-time}?).
 */
public final class SettingNames {
    /** Names further apart than this (in edits) are not offered as the one meant. */
    private static final int MAX_EDITS = 3;

    private SettingNames() {
    }

    /**
     * @param where where the names live, e.g. {@code redis.main}: messages name {@code <where>.<name>}
     * @param given the names the configuration has
     * @param known the names the section takes
     * @return one sentence per unknown name, with the closest known one when there is one
     */
    public static List<String> unknown(String where, Set<String> given, Set<String> known) {
        List<String> problems = new ArrayList<>();
        given.stream().sorted().filter(name -> !known.contains(name)).forEach(name -> problems.add(
                "'" + where + "." + name + "' is not a setting of " + where + closest(name, known)
                        .map(meant -> ": did you mean '" + where + "." + meant + "'?")
                        .orElse(": remove it (its settings are " + known.stream().sorted().toList() + ")")));
        return problems;
    }

    /**
     * What a driver's {@code check} answers: the section's unknown names, then the problem its
     * parser found.
     *
     * @param config the section
     * @param known the names it takes
     * @param parse reads the section, throwing {@link IllegalArgumentException} with the fix
     * @return one sentence per problem; empty when usable
     */
    public static List<String> problemsOf(BackendConfig config, Set<String> known, Consumer<BackendConfig> parse) {
        List<String> problems = new ArrayList<>(unknown(config.section(), config.properties().keySet(), known));
        try {
            parse.accept(config);
        } catch (IllegalArgumentException problem) {
            problems.add(problem.getMessage());
        }
        return problems;
    }

    /**
     * @param problems what a driver's {@code check} found
     * @throws IllegalArgumentException with every problem, when there is one
     */
    public static void requireNone(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * @param name a name no setting has
     * @param known the names there are
     * @return the known name fewest edits away, when it is close enough to be a typo
     */
    public static Optional<String> closest(String name, Set<String> known) {
        String lower = name.toLowerCase(Locale.ROOT);
        return known.stream()
                .filter(candidate -> edits(lower, candidate.toLowerCase(Locale.ROOT)) <= Math.min(MAX_EDITS, candidate.length() / 2))
                .min(Comparator.comparingInt((String candidate) -> edits(lower, candidate.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** The Levenshtein distance: insertions, deletions and substitutions. */
    private static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
