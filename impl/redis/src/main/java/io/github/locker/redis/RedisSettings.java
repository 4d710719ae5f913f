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

/**
 * A checked {@code redis.<id>.*} section: where Redis is, how long a command may take, whether a
 * Cluster may announce releases on sharded pub/sub, how often a Cluster's slot map is read again,
 * and how many replicas must acknowledge an acquisition ({@code replicasAck} 0: none, the default).
 */
record RedisSettings(String section, List<RedisURI> uris, boolean cluster, Duration commandTimeout, Optional<Path> caFile,
        String address, boolean shardedPubSub, Duration topologyRefresh, int replicasAck, Duration replicasAckTimeout) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How often the driver reads a Cluster's slot map by default, besides at once when a node
     * redirects a command or stays unreachable: a failover that no command of ours has met yet (a
     * waiter's subscription on a master that died) is followed within this long.
     */
    static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(5);
    /**
     * How long an acquisition waits for its replicas by default: long enough for a healthy replica
     * on a LAN (a round trip), short enough that the connection it blocks frees up soon.
     */
    static final Duration DEFAULT_REPLICAS_ACK_TIMEOUT = Duration.ofMillis(500);

    private static final List<String> SCHEMES = List.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");
    /** The names a {@code redis.<id>.*} section takes. */
    static final Set<String> SETTINGS = Set.of("uri", "cluster", "username", "password", "tls.ca-file", "timeout",
            "sharded-pubsub", "topology-refresh", "replicas-ack", "replicas-ack-timeout");

    static List<String> problems(BackendConfig config) {
        return SettingNames.problemsOf(config, SETTINGS, RedisSettings::parse);
    }

    static RedisSettings parse(BackendConfig config) {
        String uriProperty = config.section() + ".uri";
        String uriList = config.get("uri").orElseThrow(() -> new IllegalArgumentException(
                "Redis section '" + config.section() + "' has no '" + uriProperty
                        + "': set it to e.g. redis://127.0.0.1:6379"));
        List<RedisURI> uris = new ArrayList<>();
        for (String text : splitUris(uriList)) {
            uris.add(parseUri(text, uriProperty, config));
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
        // on by default: it only takes effect on a Cluster of Redis 7 or later (RedisBackend checks the version)
        boolean shardedPubSub = config.get("sharded-pubsub")
                .map(text -> strictBoolean(text, config.section() + ".sharded-pubsub")).orElse(true);
        String refreshProperty = config.section() + ".topology-refresh";
        Duration topologyRefresh = config.get("topology-refresh").map(text -> Durations.parse(text, refreshProperty))
                .orElse(DEFAULT_TOPOLOGY_REFRESH);
        if (topologyRefresh.toMillis() < 1) {
            throw new IllegalArgumentException("'" + refreshProperty + "' must be at least 1ms, was " + topologyRefresh);
        }
        int replicasAck = config.get("replicas-ack").map(text -> count(text, config.section() + ".replicas-ack")).orElse(0);
        String ackTimeoutProperty = config.section() + ".replicas-ack-timeout";
        Duration replicasAckTimeout = config.get("replicas-ack-timeout")
                .map(text -> Durations.parse(text, ackTimeoutProperty))
                .orElse(DEFAULT_REPLICAS_ACK_TIMEOUT.compareTo(timeout) < 0 ? DEFAULT_REPLICAS_ACK_TIMEOUT : timeout.dividedBy(2));
        // WAIT takes whole milliseconds, and 0 would make it block until the replicas answer, however long
        if (replicasAckTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("'" + ackTimeoutProperty + "' must be at least 1ms, was " + replicasAckTimeout);
        }
        // the command timeout would otherwise end the WAIT first, and the acquisition would fail without the replicas' count
        if (replicasAckTimeout.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException("'" + ackTimeoutProperty + "' (" + replicasAckTimeout + ") must be shorter than '"
                    + config.section() + ".timeout' (" + timeout + "): shorten it, or lengthen the timeout");
        }
        return new RedisSettings(config.section(), List.copyOf(uris), cluster, timeout, caFile, describe(uris, cluster),
                shardedPubSub, topologyRefresh, replicasAck, replicasAckTimeout);
    }

    /**
     * Splits {@code uri} into its URIs: a comma starts a new URI (a Cluster node) only when what
     * follows has a scheme; otherwise it separates the hosts of one URI, as in a Sentinel URI that
     * names several sentinels ({@code redis-sentinel://h:26379,h:26380/0#mymaster}).
     */
    static List<String> splitUris(String uriList) {
        List<String> uris = new ArrayList<>();
        for (String part : uriList.split(",", -1)) {
            String text = part.trim();
            if (!uris.isEmpty() && !text.contains("://") && isSentinel(uris.get(uris.size() - 1))) {
                uris.set(uris.size() - 1, uris.get(uris.size() - 1) + "," + text);
            } else {
                uris.add(text);
            }
        }
        return uris;
    }

    private static boolean isSentinel(String uri) {
        int schemeEnd = uri.indexOf("://");
        // only while the previous URI is still in its host list: after its path, a comma cannot continue it
        return schemeEnd > 0 && uri.substring(0, schemeEnd).endsWith("-sentinel")
                && firstOf(uri.substring(schemeEnd + 3), "/?#") == uri.length() - schemeEnd - 3;
    }

    private static int count(String text, String property) {
        try {
            int count = Integer.parseInt(text.trim());
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException notANumber) {
            // told below, with the fix
        }
        throw new IllegalArgumentException("'" + property + "' must be a whole number of replicas, 0 or more, was '" + text
                + "'");
    }

    private static boolean strictBoolean(String text, String property) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("'" + property + "' must be true or false, was '" + text + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static RedisURI parseUri(String text, String property, BackendConfig config) {
        String fix = "; write e.g. redis://127.0.0.1:6379/0, rediss://host:6380 or redis-sentinel://host:26379/0#mymaster";
        Optional<String> wrongPart = wrongPart(text, config.section());
        if (wrongPart.isPresent()) {
            throw new IllegalArgumentException("'" + property + "' " + wrongPart.get() + ": '" + BackendConfig.redact(text)
                    + "'" + fix);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException malformed) {
            throw new IllegalArgumentException("'" + property + "' is not a Redis URI: '" + BackendConfig.redact(text) + "'"
                    + fix);
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

    /**
     * Checks each part of a Redis URI before Lettuce reads it, so that a mistake is reported by
     * the part it is in, at deployment, rather than found when connecting.
     *
     * @return what is wrong, as a clause after the property's name; empty when every part is usable
     */
    static Optional<String> wrongPart(String text, String section) {
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd);
        if (!SCHEMES.contains(scheme)) {
            return Optional.of(schemeEnd < 0 ? "has no scheme (it must begin with redis://, rediss:// or redis-sentinel://)"
                    : "has the scheme '" + scheme + "', not one of " + SCHEMES);
        }
        String rest = text.substring(schemeEnd + 3);
        int authorityEnd = firstOf(rest, "/?#");
        String authority = rest.substring(0, authorityEnd);
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        for (String hostAndPort : hosts.split(",", -1)) {
            Optional<String> wrongHost = wrongHostAndPort(hostAndPort);
            if (wrongHost.isPresent()) {
                return wrongHost;
            }
        }
        String afterAuthority = rest.substring(authorityEnd);
        int fragmentStart = afterAuthority.indexOf('#');
        String fragment = fragmentStart < 0 ? "" : afterAuthority.substring(fragmentStart + 1);
        String pathAndQuery = fragmentStart < 0 ? afterAuthority : afterAuthority.substring(0, fragmentStart);
        if (pathAndQuery.contains("?")) {
            return Optional.of("has query parameters, which the driver does not read: set the command timeout with '"
                    + section + ".timeout' and the credentials with '" + section + ".username' and '" + section + ".password'");
        }
        if (!pathAndQuery.isEmpty() && !pathAndQuery.equals("/") && !pathAndQuery.substring(1).matches("[0-9]{1,5}")) {
            return Optional.of("selects the database '" + pathAndQuery.substring(1) + "', which is not a number (write e.g. /0)");
        }
        boolean sentinel = scheme.endsWith("-sentinel");
        if (sentinel && fragment.isEmpty()) {
            return Optional.of("names no master: end it with #<master name>, e.g. #mymaster");
        }
        if (!sentinel && !fragment.isEmpty()) {
            return Optional.of("has a '#" + fragment + "', which only a redis-sentinel:// URI takes (the master's name)");
        }
        return Optional.empty();
    }

    private static Optional<String> wrongHostAndPort(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        boolean bracketed = hostAndPort.startsWith("[");
        String host = colon < 0 || (bracketed && colon < hostAndPort.indexOf(']')) ? hostAndPort : hostAndPort.substring(0, colon);
        String port = host.length() == hostAndPort.length() ? null : hostAndPort.substring(colon + 1);
        if (host.isEmpty()) {
            return Optional.of("names no host");
        }
        if (port != null && !(port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535)) {
            return Optional.of("has the port '" + port + "', which is not a number from 1 to 65535");
        }
        return Optional.empty();
    }

    private static int firstOf(String text, String characters) {
        int first = text.length();
        for (char c : characters.toCharArray()) {
            int at = text.indexOf(c);
            if (at >= 0 && at < first) {
                first = at;
            }
        }
        return first;
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
