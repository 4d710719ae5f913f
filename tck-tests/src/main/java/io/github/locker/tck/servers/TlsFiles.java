package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away certificates for TLS tests, made with {@code openssl}: a CA, and a server certificate
 * it signed for {@code 127.0.0.1} (so clients that verify the peer accept it), each valid a day.
 *
 * @param caCertificate the CA's certificate (PEM): what clients trust
 * @param serverCertificate the server's certificate (PEM)
 * @param serverKey the server's private key (PEM)
 */
public record TlsFiles(Path caCertificate, Path serverCertificate, Path serverKey) {

    /**
     * @param directory where to write the files
     * @return the files
     */
    public static TlsFiles create(Path directory) {
        Path openssl = ServerBinary.require("openssl", "openssl");
        Path caKey = directory.resolve("ca.key");
        Path ca = directory.resolve("ca.crt");
        Path key = directory.resolve("server.key");
        Path request = directory.resolve("server.csr");
        Path certificate = directory.resolve("server.crt");
        Path extensions = directory.resolve("server.ext");
        try {
            Files.createDirectories(directory);
            Files.writeString(extensions, "subjectAltName=IP:127.0.0.1\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "1",
                "-subj", "/CN=locker test CA");
        run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1");
        run(openssl, "x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", certificate,
                "-days", "1", "-extfile", extensions);
        return new TlsFiles(ca, certificate, key);
    }

    private static void run(Path openssl, Object... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(openssl.toString()));
        for (Object argument : arguments) {
            command.add(argument.toString());
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
