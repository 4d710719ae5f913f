package io.github.locker.etcd;

import io.github.locker.core.Durations;
import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A checked {@code etcd.<id>.*} section. Holds the password: never printed (see {@link #toString()}).
 *
 * @param section where the section lives, e.g. {@code etcd.main}: messages name its properties
 */
record EtcdSettings(List<URI> endpoints, Optional<String> username, Optional<String> password,
        Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, Duration timeout, String address,
        String section) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The names an {@code etcd.<id>.*} section takes. */
    static final Set<String> SETTINGS = Set.of("endpoints", "username", "password", "tls.ca-file", "tls.cert-file",
            "tls.key-file", "timeout");

    static List<String> problems(BackendConfig config) {
        return SettingNames.problemsOf(config, SETTINGS, EtcdSettings::parse);
    }

    static EtcdSettings parse(BackendConfig config) {
        String property = config.section() + ".endpoints";
        String list = config.get("endpoints").orElseThrow(() -> new IllegalArgumentException(
                "etcd section '" + config.section() + "' has no '" + property
                        + "': set it to e.g. http://127.0.0.1:2379 (several comma-separated for a cluster)"));
        List<URI> endpoints = new ArrayList<>();
        for (String text : list.split(",")) {
            endpoints.add(endpoint(text.trim(), property));
        }
        Optional<String> username = config.get("username");
        Optional<String> password = config.get("password");
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("etcd section '" + config.section()
                    + "' needs both 'username' and 'password', or neither");
        }
        Optional<Path> ca = file(config, "tls.ca-file");
        Optional<Path> cert = file(config, "tls.cert-file");
        Optional<Path> key = file(config, "tls.key-file");
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("etcd section '" + config.section()
                    + "' needs both 'tls.cert-file' and 'tls.key-file' for a client certificate, or neither");
        }
        Duration timeout = config.get("timeout").map(text -> Durations.parse(text, config.section() + ".timeout"))
                .orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(config.section() + ".timeout must be positive, was " + timeout);
        }
        String address = "etcd at " + endpoints.stream().map(uri -> uri.getHost() + ":" + uri.getPort())
                .collect(Collectors.joining(","));
        return new EtcdSettings(List.copyOf(endpoints), username, password, ca, cert, key, timeout, address,
                config.section());
    }

    private static URI endpoint(String text, String property) {
        return checkedParts(parsedEndpoint(text, property), text, property);
    }

    /** Every part an endpoint may not have, named, so that no mistake waits for the first connection. */
    private static URI checkedParts(URI uri, String text, String property) {
        String section = property.substring(0, property.lastIndexOf('.'));
        String wrong = uri.getPort() > 65535 ? "has the port " + uri.getPort() + ", which is not a number from 1 to 65535"
                : uri.getRawUserInfo() != null ? "carries credentials: set '" + section + ".username' and '" + section
                        + ".password' instead"
                : uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                        ? "has the path '" + uri.getRawPath() + "', which an etcd endpoint does not take"
                : uri.getRawQuery() != null || uri.getRawFragment() != null
                        ? "has a query or fragment, which an etcd endpoint does not take" : null;
        if (wrong != null) {
            throw new IllegalArgumentException("'" + property + "' has an endpoint that " + wrong + ": '"
                    + BackendConfig.redact(text) + "'; write e.g. http://127.0.0.1:2379 or https://etcd-1:2379");
        }
        return uri;
    }

    private static URI parsedEndpoint(String text, String property) {
        String fix = "; write e.g. http://127.0.0.1:2379 or https://etcd-1:2379";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException malformed) {
            throw new IllegalArgumentException("'" + property + "' has an endpoint that is not a URI: '"
                    + BackendConfig.redact(text) + "'" + fix);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getPort() < 1) {
            throw new IllegalArgumentException("'" + property + "' has an endpoint without http(s) scheme, host and port: '"
                    + BackendConfig.redact(text) + "'" + fix);
        }
        return uri;
    }

    private static Optional<Path> file(BackendConfig config, String property) {
        Optional<Path> path = config.get(property).map(Path::of);
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw new IllegalArgumentException("'" + config.section() + "." + property + "' names a file that cannot be read: "
                    + path.get());
        }
        return path;
    }

    boolean tls() {
        return caFile.isPresent() || endpoints.stream().anyMatch(uri -> "https".equals(uri.getScheme()));
    }

    @Override
    public String toString() {
        return "EtcdSettings[" + address + (username.isPresent() ? ", user " + username.get() + ", password ****" : "")
                + ", timeout " + timeout + "]";
    }
}
