package dev.perch.cli;

/**
 * Where the HTTP server of {@code demo} and {@code replay} listens: they serve the live view and the
 * metrics of whatever they run, usually on a laptop, so they listen on loopback only unless the user
 * says otherwise ({@code -Dquarkus.http.host=0.0.0.0} or {@code QUARKUS_HTTP_HOST}). {@code run}
 * keeps Quarkus's own default, every interface, which a pod's kubelet probes need; the container
 * image sets every interface for each command, since a container's port is reached only when
 * published.
 */
final class LaptopHttpHost {
    static final String LOOPBACK = "127.0.0.1";
    private static final String PROPERTY = "quarkus.http.host";

    private LaptopHttpHost() {
    }

    /** The host to listen on: the user's, from the system property or else the environment, or loopback. */
    static String host(String property, String environment) {
        if (property != null && !property.isBlank()) {
            return property;
        }
        return environment != null && !environment.isBlank() ? environment : LOOPBACK;
    }

    /** Sets the host Quarkus will listen on before it boots. */
    static void apply() {
        System.setProperty(PROPERTY, host(System.getProperty(PROPERTY), System.getenv("QUARKUS_HTTP_HOST")));
    }
}
