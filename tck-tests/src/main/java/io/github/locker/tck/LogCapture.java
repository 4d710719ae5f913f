package io.github.locker.tck;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every {@code java.util.logging} record of some loggers, at a level an operator chasing a
 * problem would set, so a test can search all of it for a secret; {@link #close()} puts the loggers
 * back as they were.
 */
public final class LogCapture implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final List<Logger> loggers;
    private final List<Level> levels;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Level level, List<String> names) {
        // held here: java.util.logging keeps loggers only weakly, and a collected one forgets our level
        this.loggers = names.stream().map(Logger::getLogger).toList();
        this.levels = loggers.stream().map(Logger::getLevel).toList();
        handler.setLevel(Level.ALL);
        for (Logger logger : loggers) {
            logger.addHandler(handler);
            logger.setLevel(level);
        }
    }

    /**
     * @param level the level to set the loggers to while capturing
     * @param loggerNames the loggers, with their children ({@code ""} for all)
     * @return a capture that runs until closed
     */
    public static LogCapture start(Level level, String... loggerNames) {
        return new LogCapture(level, List.of(loggerNames));
    }

    /** @return the records captured so far */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** @return every record's message, parameters and thrown chain, a line each: all a log could show */
    public String text() {
        return text(record -> true);
    }

    /**
     * @param which the records to show
     * @return those records' messages, parameters and thrown chains, a line each
     */
    public String text(Predicate<LogRecord> which) {
        StringBuilder text = new StringBuilder();
        for (LogRecord record : records.stream().filter(which).toList()) {
            text.append(record.getLoggerName()).append(' ').append(record.getMessage()).append(' ')
                    .append(record.getParameters() == null ? "" : List.of(record.getParameters())).append(' ')
                    .append(chain(record.getThrown())).append('\n');
        }
        return text.toString();
    }

    /**
     * @param failure an exception, or null
     * @return its {@code toString()} and every cause's, a line each
     */
    public static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(handler);
            loggers.get(i).setLevel(levels.get(i));
        }
    }
}
