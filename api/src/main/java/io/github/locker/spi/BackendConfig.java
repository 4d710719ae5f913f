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
 * masked, and so is the user-information part of any value, well-formed or not
 * ({@link #redact}).
 */
public final class BackendConfig {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token).*");

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
     * Masks what may be credentials in a value, whether or not it parses: in each comma-separated
     * element that has an {@code @}, everything between the scheme's {@code //} (or the element's
     * start) and its last {@code @} becomes {@code ****}, except a user name before a {@code :}.
     * {@code redis://app:secret@host} shows as {@code redis://app:****@host}, and the malformed
     * {@code redis//:secret@host} as {@code redis//:****@host}.
     *
     * @param value any configuration value, or null
     * @return the value with every user-information part masked; null for null
     */
    public static String redact(String value) {
        if (value == null || value.indexOf('@') < 0) {
            return value;
        }
        StringBuilder shown = new StringBuilder(value.length());
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            shown.append(redactElement(value.substring(start, end)));
            if (comma < 0) {
                break;
            }
            shown.append(',');
            start = comma + 1;
        }
        return shown.toString();
    }

    private static String redactElement(String element) {
        int at = element.lastIndexOf('@');
        if (at < 0) {
            return element;
        }
        int slashes = element.indexOf("//");
        int userInfoStart = slashes >= 0 && slashes < at ? slashes + 2 : 0;
        String userInfo = element.substring(userInfoStart, at);
        int colon = userInfo.indexOf(':');
        String user = colon >= 0 && userInfo.indexOf('/') < 0 ? userInfo.substring(0, colon + 1) : "";
        return element.substring(0, userInfoStart) + user + "****" + element.substring(at);
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
