package io.github.locker.core;

/**
 * What one locker reports about its acquisitions: Micrometer meters when the application has
 * Micrometer, nothing otherwise. Micrometer is optional, so nothing outside
 * {@link MicrometerLockerMetrics} names its classes.
 */
interface LockerMetrics {
    /** Reports nothing: the locker of an application without Micrometer. */
    LockerMetrics NONE = new LockerMetrics() {
        @Override
        public Acquisition start() {
            return Acquisition.NONE;
        }

        @Override
        public void lost() {
        }
    };

    /** How an acquisition call ended: the {@code outcome} tag of {@code locker.acquire}. */
    enum Outcome {
        /** the lock was taken */
        ACQUIRED,
        /** another owner held it and the call had no wait time */
        BUSY,
        /** another owner still held it when the wait time ended */
        TIMEOUT,
        /** the waiting thread was interrupted */
        INTERRUPTED,
        /** the backend failed or could not be reached */
        ERROR;

        /** @return the tag value */
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param locker the locker's name, the {@code locker} tag of every meter
     * @return Micrometer meters on its global registry when Micrometer is on the class path, else {@link #NONE}
     */
    static LockerMetrics forLocker(String locker) {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, LockerMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return NONE;
        }
        return new MicrometerLockerMetrics(locker);
    }

    /** @return the record of an acquisition call starting now */
    Acquisition start();

    /** Counts a held lease that was lost (expired or taken over) before its holder released it. */
    void lost();

    /** One acquisition call, from its start to the release of the lock it took. Thread-safe. */
    interface Acquisition {
        /** Records nothing. */
        Acquisition NONE = new Acquisition() {
            @Override
            public void contended() {
            }

            @Override
            public void ended(Outcome outcome) {
            }

            @Override
            public void released() {
            }

            @Override
            public void releaseFailed() {
            }
        };

        /** Another owner held the lock and the call waits: from the first call on, the time until its end is wait time. */
        void contended();

        /** @param outcome how the call ended; {@link Outcome#ACQUIRED} counts the lock as held until {@link #released()} */
        void ended(Outcome outcome);

        /** The lock is no longer held: released, or its lease lost. Only the first call counts. */
        void released();

        /** The release could not reach the backend. */
        void releaseFailed();
    }
}
