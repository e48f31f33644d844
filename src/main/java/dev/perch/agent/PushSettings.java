package dev.perch.agent;

import java.util.List;

/**
 * The {@code push:} section of the agent's config: the agent's one HTTP port — which serves its
 * health, its metrics and the push receiver ({@code POST /v1/requests}) — and the apps that push
 * their requests rather than being scraped.
 *
 * @param port         the port; 0 takes any free one (for tests)
 * @param bindAddress  the address to listen on. By default {@value #DEFAULT_BIND_ADDRESS}: bound to
 *                     the node, so that only processes on the node — the inference loops the agent
 *                     reports for, a probe through the node's loopback — can reach it, and nothing
 *                     else on the network can write telemetry in an app's name. {@code 0.0.0.0} opens
 *                     it to the network (a Prometheus off the node), better with a {@code token}
 * @param maxBodyBytes the largest push body accepted
 * @param token        a shared token a pusher must send, or {@code null} for none
 * @param graceMs      how long after a window ends the receiver waits for its late requests before
 *                     publishing it
 * @param apps         the apps that push their requests
 */
public record PushSettings(int port, String bindAddress, int maxBodyBytes, String token, long graceMs,
                           List<AppBinding> apps) {
    public static final int DEFAULT_PORT = 9464;
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** 1 MiB: about ten thousand requests of the push format in one body. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int MAX_BODY_BYTES_LIMIT = 64 << 20;
    public static final long DEFAULT_GRACE_MS = 2_000;
    /** A window held longer than this is no longer telemetry the topology acts on in time. */
    public static final long MAX_GRACE_MS = 60_000;

    /**
     * @throws IllegalArgumentException naming the field first ({@code port: must be …}), so that a
     *                                  config reader can put the section's path before it
     */
    public PushSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: must be from 0 to 65535, got " + port);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress: must not be empty");
        }
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxBodyBytes: must be from 1 to " + MAX_BODY_BYTES_LIMIT + ", got " + maxBodyBytes);
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("token: must not be blank (leave it out for none)");
        }
        if (graceMs < 0 || graceMs > MAX_GRACE_MS) {
            throw new IllegalArgumentException("graceMs: must be from 0 to " + MAX_GRACE_MS + ", got " + graceMs);
        }
        apps = List.copyOf(apps);
    }

    /** Every default, and no apps. */
    public static PushSettings defaults() {
        return new PushSettings(DEFAULT_PORT, DEFAULT_BIND_ADDRESS, DEFAULT_MAX_BODY_BYTES, null, DEFAULT_GRACE_MS, List.of());
    }

    /** Never the token itself: settings are logged. */
    @Override
    public String toString() {
        return "PushSettings[port=" + port + ", bindAddress=" + bindAddress + ", maxBodyBytes=" + maxBodyBytes
                + ", token=" + (token == null ? "none" : "set") + ", graceMs=" + graceMs + ", apps=" + apps + "]";
    }
}
