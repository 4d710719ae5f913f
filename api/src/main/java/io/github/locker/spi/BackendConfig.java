package io.github.locker.spi;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One backend section of the configuration, such as the {@code redis.main.*} properties, with the
 * section prefix removed ({@code uri}, {@code password}, ...). Immutable. {@link #toString()}
 * never shows a secret: values of properties whose name mentions a password, secret or token are
 * masked, and so is the password part of any URI.
 */
public final class BackendConfig {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token).*");
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/@:,\\s]*:)[^/@,\\s]*@");

    private final String driver;
    private final String id;
    private final Map<String, String> properties;

    private BackendConfig(String driver, String id, Map<String, String> properties) {
        this.driver = driver;
        this.id = id;
        this.properties = properties;
    }

    /**
     * @param driver the driver name, which is also the section's prefix ({@code redis})
     * @param id the section id ({@code main} in {@code redis.main.uri})
     * @param properties the section's properties, names relative to the section
     * @return the section
     * @throws IllegalArgumentException when an argument is null or the driver or id is blank
     */
    public static BackendConfig of(String driver, String id, Map<String, String> properties) {
        if (driver == null || driver.isBlank()) {
            throw new IllegalArgumentException("driver must not be blank");
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("backend section id must not be blank");
        }
        if (properties == null) {
            throw new IllegalArgumentException("properties must not be null");
        }
        return new BackendConfig(driver, id, Collections.unmodifiableMap(new TreeMap<>(properties)));
    }

    /** @return the driver name, also the section's prefix */
    public String driver() {
        return driver;
    }

    /** @return the section id */
    public String id() {
        return id;
    }

    /** @return where the section lives in the configuration, e.g. {@code redis.main} */
    public String section() {
        return driver + "." + id;
    }

    /**
     * @param property a property name relative to the section, e.g. {@code uri}
     * @return its trimmed value, empty when absent or blank
     */
    public Optional<String> get(String property) {
        String value = properties.get(property);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** @return every property of the section, names relative to it */
    public Map<String, String> properties() {
        return properties;
    }

    /**
     * @param value any configuration value
     * @return the value with the password part of every URI in it masked
     */
    public static String redact(String value) {
        return value == null ? null : URI_PASSWORD.matcher(value).replaceAll("$1****@");
    }

    @Override
    public String toString() {
        StringBuilder shown = new StringBuilder(section()).append('{');
        properties.forEach((name, value) -> shown.append(shown.charAt(shown.length() - 1) == '{' ? "" : ", ")
                .append(name).append('=')
                .append(SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches() ? "****" : redact(value)));
        return shown.append('}').toString();
    }
}
