package io.github.locker.cdi;

import java.util.Map;

/** Which artifact brings which of our drivers: what a message about a missing driver advises. */
final class DriverArtifacts {
    private static final Map<String, String> ARTIFACT_OF_DRIVER = Map.of(
            "redis", "locker-redis",
            "etcd", "locker-etcd",
            "memory", "locker-testing");

    private DriverArtifacts() {
    }

    /**
     * @param driver a driver name no installed driver has
     * @return the sentence that says what to add
     */
    static String advice(String driver) {
        String artifact = ARTIFACT_OF_DRIVER.get(driver);
        if (artifact == null) {
            return "Add the jar of the driver named '" + driver + "' (it lists its class in "
                    + "META-INF/services/io.github.locker.spi.LockerDriver), or fix the name.";
        }
        return "Add the dependency io.github.locker:" + artifact + " (its version comes from io.github.locker:locker-bom).";
    }
}
