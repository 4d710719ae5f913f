package io.github.locker.tck;

import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;

/**
 * What a driver under test gives the TCK: its name, the backend section that reaches a server the
 * TCK may kill, pause and restart, and the lease its backend honours. A third-party driver
 * implements this and extends the TCK's contract classes ({@link LockerContract},
 * {@link MultiNodeContract}, the CDI contracts) with one small class each; a driver with no
 * server process extends {@link SingleJvmLockerContract} instead of {@link LockerContract}.
 */
public interface TckBackend {

    /** @return the driver's name, as in {@code locker.<name>.driver} */
    String driver();

    /** @return the backend section's properties (without the {@code <driver>.<id>.} prefix) */
    Map<String, String> section();

    /**
     * @return the server, for fault injection
     * @throws UnsupportedOperationException for a driver without a server (the in-memory one),
     *     which runs only the contracts that need none
     */
    default ServerProcess server() {
        throw new UnsupportedOperationException("Driver '" + driver() + "' has no server process to kill, pause or "
                + "restart: run it on SingleJvmLockerContract, AsyncLockerContract and LeaderLoopContract only");
    }

    /** @return the shortest lease the backend honours precisely enough for expiry tests */
    Duration shortLease();

    /**
     * @param locker a locker's name
     * @return MicroProfile Config lines that configure that locker on this backend (its section is
     *     {@code <driver>.<locker>.*})
     */
    default String configuration(String locker) {
        StringBuilder configuration = new StringBuilder("locker.").append(locker).append(".driver=").append(driver()).append('\n');
        section().forEach((property, value) ->
                configuration.append(driver()).append('.').append(locker).append('.').append(property).append('=').append(value).append('\n'));
        return configuration.toString();
    }

    /** @return how many rounds each contending thread makes: fewer where every acquisition is a consensus write */
    default int contentionIterations() {
        return 300;
    }
}
