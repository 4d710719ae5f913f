package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Throw-away certificates for TLS tests, made with {@code openssl}: a CA, a server certificate it
 * signed for {@code 127.0.0.1} (so clients that verify the peer accept it), and a client
 * certificate it signed for servers that ask for one, each valid a day. Two calls make two
 * unrelated CAs: one's clients refuse the other's server.
 *
 * @param caCertificate the CA's certificate (PEM): what clients trust
 * @param serverCertificate the server's certificate (PEM)
 * @param serverKey the server's private key (PEM)
 * @param clientCertificate a client's certificate (PEM), for client-certificate authentication
 * @param clientKey the client's private key (PKCS#8 PEM, what Netty reads)
 */
public record TlsFiles(Path caCertificate, Path serverCertificate, Path serverKey, Path clientCertificate, Path clientKey) {

    /**
     * @param directory where to write the files
     * @return the files
     */
    public static TlsFiles create(Path directory) {
        Path openssl = ServerBinary.require("openssl", "openssl");
        Path caKey = directory.resolve("ca.key");
        Path ca = directory.resolve("ca.crt");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "1",
                "-subj", "/CN=locker test CA");
        // Go (etcd) checks the extended key usage: a server certificate for serving, a client one for logging in
        sign(openssl, directory, "server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", ca, caKey);
        sign(openssl, directory, "client", "extendedKeyUsage=clientAuth\n", ca, caKey);
        return new TlsFiles(ca, directory.resolve("server.crt"), directory.resolve("server.key"),
                directory.resolve("client.crt"), directory.resolve("client.key"));
    }

    /** Writes {@code <name>.key} and {@code <name>.crt}, signed by the CA, with these X.509 extensions. */
    private static void sign(Path openssl, Path directory, String name, String extensions, Path ca, Path caKey) {
        Path key = directory.resolve(name + ".key");
        Path request = directory.resolve(name + ".csr");
        Path extensionFile = directory.resolve(name + ".ext");
        try {
            Files.writeString(extensionFile, extensions, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=locker test " + name);
        run(openssl, "x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
                "-out", directory.resolve(name + ".crt"), "-days", "1", "-extfile", extensionFile);
    }

    private static void run(Path openssl, Object... arguments) {
        List<String> command = new ArrayList<>(List.of(openssl.toString()));
        for (Object argument : arguments) {
            command.add(argument.toString());
        }
        Commands.run(command, Map.of());
    }
}
