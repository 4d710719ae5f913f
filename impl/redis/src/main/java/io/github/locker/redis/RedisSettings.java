package io.github.locker.redis;

import io.github.locker.core.Durations;
import io.github.locker.core.SettingNames;
import io.github.locker.spi.BackendConfig;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A checked {@code redis.<id>.*} section: where Redis is and how long a command may take. */
record RedisSettings(String section, List<RedisURI> uris, boolean cluster, Duration commandTimeout, Optional<Path> caFile,
        String address) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The names a {@code redis.<id>.*} section takes. */
    static final Set<String> SETTINGS = Set.of("uri", "cluster", "username", "password", "tls.ca-file", "timeout");

    static List<String> problems(BackendConfig config) {
        List<String> problems = new ArrayList<>(SettingNames.unknown(config.section(), config.properties().keySet(), SETTINGS));
        try {
            parse(config);
        } catch (IllegalArgumentException problem) {
            problems.add(problem.getMessage());
        }
        return problems;
    }

    static RedisSettings parse(BackendConfig config) {
        String uriProperty = config.section() + ".uri";
        String uriList = config.get("uri").orElseThrow(() -> new IllegalArgumentException(
                "Redis section '" + config.section() + "' has no '" + uriProperty
                        + "': set it to e.g. redis://127.0.0.1:6379"));
        List<RedisURI> uris = new ArrayList<>();
        for (String text : uriList.split(",")) {
            uris.add(parseUri(text.trim(), uriProperty, config));
        }
        boolean cluster = uris.size() > 1 || config.get("cluster").map(text -> strictBoolean(text, config.section() + ".cluster"))
                .orElse(false);
        if (cluster && uris.stream().anyMatch(uri -> uri.getSentinelMasterId() != null)) {
            throw new IllegalArgumentException("'" + uriProperty + "' mixes Cluster (several URIs) and Sentinel "
                    + "URIs: give one redis-sentinel:// URI, or redis:// URIs of Cluster nodes");
        }
        Duration timeout = config.get("timeout")
                .map(text -> Durations.parse(text, config.section() + ".timeout"))
                .orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(config.section() + ".timeout must be positive, was " + timeout);
        }
        for (RedisURI uri : uris) {
            uri.setTimeout(timeout);
        }
        Optional<Path> caFile = config.get("tls.ca-file").map(Path::of);
        if (caFile.isPresent() && !Files.isReadable(caFile.get())) {
            throw new IllegalArgumentException("'" + config.section() + ".tls.ca-file' names a file that cannot be read: "
                    + caFile.get());
        }
        return new RedisSettings(config.section(), List.copyOf(uris), cluster, timeout, caFile, describe(uris, cluster));
    }

    private static boolean strictBoolean(String text, String property) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("'" + property + "' must be true or false, was '" + text + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static RedisURI parseUri(String text, String property, BackendConfig config) {
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException malformed) {
            throw new IllegalArgumentException("'" + property + "' is not a Redis URI: '" + BackendConfig.redact(text)
                    + "'; write e.g. redis://127.0.0.1:6379/0, rediss://host:6380 or "
                    + "redis-sentinel://host:26379/0#mymaster");
        }
        if (uri.getHost() == null && uri.getSentinels().isEmpty() && uri.getSocket() == null) {
            throw new IllegalArgumentException("'" + property + "' names no host: '" + BackendConfig.redact(text) + "'");
        }
        Optional<String> username = config.get("username");
        Optional<String> password = config.get("password");
        if (username.isPresent() || password.isPresent()) {
            RedisCredentials inUri = credentialsIn(uri);
            // a credentials provider, not setUsername/setPassword: Lettuce 7 removed those
            uri.setCredentialsProvider(new StaticCredentialsProvider(
                    username.orElse(inUri == null ? null : inUri.getUsername()),
                    password.map(String::toCharArray).orElse(inUri == null ? null : inUri.getPassword())));
        }
        return uri;
    }

    private static RedisCredentials credentialsIn(RedisURI uri) {
        return uri.getCredentialsProvider() instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider immediate
                ? immediate.resolveCredentialsNow() : null;
    }

    private static String describe(List<RedisURI> uris, boolean cluster) {
        if (cluster) {
            return "Redis Cluster at " + uris.stream().map(RedisSettings::hostAndPort).collect(Collectors.joining(","));
        }
        RedisURI uri = uris.get(0);
        if (uri.getSentinelMasterId() != null) {
            return "Redis Sentinel master '" + uri.getSentinelMasterId() + "' via "
                    + uri.getSentinels().stream().map(RedisSettings::hostAndPort).collect(Collectors.joining(","));
        }
        return "Redis at " + hostAndPort(uri);
    }

    private static String hostAndPort(RedisURI uri) {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }
}
