package dev.perch.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for a test, a broker certificate it signed (for 127.0.0.1), and a
 * second authority that signed nothing — with the JDK's keytool, so no library is needed.
 *
 * @param brokerKeystore the broker's key and certificate chain (PKCS12, password {@link #PASSWORD})
 * @param caPem          the authority that signed the broker's certificate (PEM): a truststore that works
 * @param otherCaPem     an authority that did not (PEM): a truststore that does not trust the broker
 */
record TestCertificates(Path brokerKeystore, Path caPem, Path otherCaPem) {
    static final String PASSWORD = "keystore-pass-1";

    static TestCertificates make(Path dir) throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        Path broker = dir.resolve("broker.p12");
        Path other = dir.resolve("other-ca.p12");
        Path caPem = dir.resolve("ca.crt");
        Path otherPem = dir.resolve("other-ca.crt");
        Path csr = dir.resolve("broker.csr");
        Path signed = dir.resolve("broker.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=perch-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-keystore", broker.toString());
        keytool("-certreq", "-alias", "broker", "-file", csr.toString(), "-keystore", broker.toString());
        keytool("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ca.toString());
        keytool("-importcert", "-alias", "ca", "-file", caPem.toString(), "-noprompt", "-keystore", broker.toString());
        keytool("-importcert", "-alias", "broker", "-file", signed.toString(), "-keystore", broker.toString());
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=someone-else",
                "-ext", "bc:c", "-validity", "2", "-keystore", other.toString());
        keytool("-exportcert", "-alias", "other", "-rfc", "-file", otherPem.toString(), "-keystore", other.toString());
        return new TestCertificates(broker, caPem, otherPem);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (!"-exportcert".equals(args[0])) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
