package io.github.locker.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Says what a refusal by etcd or by the TLS layer means, and what to change. gRPC reports a wrong
 * password as a bare {@code UNAUTHENTICATED} and a refused certificate as {@code UNAVAILABLE: io
 * exception} or {@code ssl exception}: neither the cause nor the fix. The explanations quote
 * etcd's and the JDK's words, property names and file paths, never a credential.
 */
final class EtcdRefusals {
    private EtcdRefusals() {
    }

    /** A refusal in words; its cause is what the client reported. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String explanation, Throwable cause) {
            super(explanation, cause);
        }
    }

    /**
     * @param failure a failed request's exception, as the client reported it
     * @param settings the section, for the property names to check
     * @return the failure explained, or the failure itself when it is not a refusal we know
     */
    static Throwable explain(Throwable failure, EtcdSettings settings) {
        return explanation(failure, settings).<Throwable>map(words -> new Refusal(words, failure)).orElse(failure);
    }

    /** @return whether etcd refused the request for lack of permission on its key: it was authenticated and answered */
    static boolean permissionDenied(Throwable failure) {
        return hasCode(failure, Status.Code.PERMISSION_DENIED);
    }

    private static Optional<String> explanation(Throwable failure, EtcdSettings settings) {
        String section = settings.section();
        String refusedLogin = descriptionContaining(failure, "authentication failed");
        if (refusedLogin != null && settings.username().isPresent()) {
            return Optional.of("authentication failed: etcd refused user '" + settings.username().get()
                    + "' with the configured password (" + refusedLogin + "); check '" + section + ".username' and '"
                    + section + ".password'");
        }
        if (hasCode(failure, Status.Code.UNAUTHENTICATED) || descriptionContaining(failure, "user name is empty") != null) {
            return Optional.of("authentication failed: etcd has authentication on and "
                    + (settings.username().isPresent() ? "did not accept user '" + settings.username().get() + "'"
                            : "no '" + section + ".username' and '" + section + ".password' are configured"));
        }
        if (permissionDenied(failure)) {
            return Optional.of("permission denied: etcd user '" + settings.username().orElse("(none)")
                    + "' may not write this lock's keys; give its role readwrite on the locker's key prefix "
                    + "(locker.<name>.key-prefix): etcdctl role grant-permission <role> --prefix=true readwrite <key-prefix>");
        }
        return tls(failure, settings);
    }

    /** The TLS layer's own exception says who refused: an alert came from the server, anything else is ours. */
    private static Optional<String> tls(Throwable failure, EtcdSettings settings) {
        String section = settings.section();
        SSLException handshake = null;
        Throwable deepest = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (handshake == null && cause instanceof SSLException ssl) {
                handshake = ssl;
            }
            deepest = cause;
        }
        if (handshake == null) {
            return Optional.empty();
        }
        if (String.valueOf(handshake.getMessage()).contains("Received fatal alert")) {
            return Optional.of("the TLS handshake failed: the server refused "
                    + (settings.certFile().isEmpty()
                            ? "the connection (" + handshake.getMessage() + "), as a server that wants a client "
                                    + "certificate does; set '" + section + ".tls.cert-file' and '" + section
                                    + ".tls.key-file'"
                            : "the client certificate " + settings.certFile().get() + " (" + handshake.getMessage()
                                    + "); it must be signed by a CA the server trusts (etcd --trusted-ca-file) and allow "
                                    + "client authentication"));
        }
        return Optional.of("the TLS handshake failed: the server's certificate was not accepted (" + deepest.getMessage()
                + "); set '" + section + ".tls.ca-file' to the CA that signed it, and let the certificate name the "
                + "endpoint's host");
    }

    private static boolean hasCode(Throwable failure, Status.Code code) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == code) {
                return true;
            }
        }
        return false;
    }

    /** @return the first gRPC status description in the chain containing {@code words}, or null */
    private static String descriptionContaining(Throwable failure, String words) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException status && status.getStatus().getDescription() != null
                    && status.getStatus().getDescription().contains(words)) {
                return status.getStatus().getDescription();
            }
        }
        return null;
    }
}
