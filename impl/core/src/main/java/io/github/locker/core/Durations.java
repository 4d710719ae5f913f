package io.github.locker.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the duration strings users write in annotations and configuration: {@code 500ms}, {@code 3s}, {@code PT3S}. */
public final class Durations {
    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param text a number with one of the units {@code ms s m h d}, or an ISO-8601 duration
     * @param what what the value is, for the message ({@code "locker.orders.lease-time"})
     * @return the duration
     * @throws IllegalArgumentException naming {@code what} and the text when it does not parse
     */
    public static Duration parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank; write e.g. 500ms, 3s, 2m or PT3S");
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = AMOUNT_AND_UNIT.matcher(trimmed);
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            if (trimmed.startsWith("p") || trimmed.startsWith("-p")) {
                return Duration.parse(text.trim());
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException tooLargeOrMalformed) {
            // falls through to the one message below
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a duration; write e.g. 500ms, 3s, 2m or PT3S");
    }
}
