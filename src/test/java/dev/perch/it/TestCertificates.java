package dev.perch.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
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

    static TestCertificates make(Path dir) throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path broker = dir.resolve("broker.p12");
        Path other = dir.resolve("other-ca.p12");
        Path caPem = dir.resolve("ca.crt");
        Path otherPem = dir.resolve("other-ca.crt");
        Path csr = dir.resolve("broker.csr");
        Path signed = dir.resolve("broker.crt");
        // Three rounds of keytool runs, each round's runs side by side (a JVM start each).
        together(List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=perch-test-ca",
                        "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString()),
                List.of("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                        "-validity", "2", "-keystore", broker.toString()),
                List.of("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=someone-else",
                        "-ext", "bc:c", "-validity", "2", "-keystore", other.toString()));
        together(List.of("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString()),
                List.of("-certreq", "-alias", "broker", "-file", csr.toString(), "-keystore", broker.toString()),
                List.of("-exportcert", "-alias", "other", "-rfc", "-file", otherPem.toString(), "-keystore", other.toString()));
        together(List.of("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ca.toString()));
        // The broker's key with the chain the authority signed: its certificate, then the authority's.
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] password = PASSWORD.toCharArray();
        try (InputStream in = Files.newInputStream(broker)) {
            store.load(in, password);
        }
        Key key = store.getKey("broker", password);
        store.setKeyEntry("broker", key, password, new Certificate[]{certificate(signed), certificate(caPem)});
        try (OutputStream out = Files.newOutputStream(broker)) {
            store.store(out, password);
        }
        return new TestCertificates(broker, caPem, otherPem);
    }

    private static Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @SafeVarargs
    private static void together(List<String>... runs) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (List<String> args : runs) {
            processes.add(keytool(args));
        }
        for (int i = 0; i < runs.length; i++) {
            Process process = processes.get(i);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", runs[i]) + " failed: " + output);
            }
        }
    }

    private static Process keytool(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(args);
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (!"-exportcert".equals(args.get(0))) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
