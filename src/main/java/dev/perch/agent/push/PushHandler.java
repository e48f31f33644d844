package dev.perch.agent.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.perch.agent.PushSettings;
import dev.perch.telemetry.Json;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code POST /v1/requests}: takes a body of pushed requests ({@link PushBody}) and hands the valid
 * ones to the {@link PushWindower}. Answers, always as one line of JSON:
 * <ul>
 *   <li>200 {@code {"accepted":n,"rejected":0}} — every record kept;</li>
 *   <li>400 {@code {"accepted":n,"rejected":m,"errors":[{"index":i,"reason":"…"},…]}} — the
 *   records listed were dropped and the others kept, so the client must not send the body again
 *   (its kept records would count twice); at most {@value #LISTED_ERRORS} errors are listed, the
 *   rest counted in {@code errorsNotListed};</li>
 *   <li>401 without the shared token (when one is set), 404 for another path, 405 for another
 *   method, 413 for a body over the limit — {@code {"error":"…"}}, nothing kept.</li>
 * </ul>
 * The body is read at most {@code maxBodyBytes + 1} bytes far, so no client can make the agent hold
 * more; nothing a client sends escapes as an exception into the server's thread.
 */
public final class PushHandler implements HttpHandler {
    public static final String PATH = "/v1/requests";
    /** Enough to fix a client by; a body of 10 000 bad records must not answer with 10 000 reasons. */
    static final int LISTED_ERRORS = 100;
    private static final Logger LOG = Logger.getLogger(PushHandler.class);

    private final PushWindower windower;
    private final int maxBodyBytes;
    private final byte[] expectedAuthorization;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder refusedBodies = new LongAdder();

    /**
     * @param tokenOrNull the shared token a client sends as {@code Authorization: Bearer TOKEN};
     *                    null or blank for none (the port is bound to the node, see docs/agent.md)
     */
    public PushHandler(PushWindower windower, int maxBodyBytes, String tokenOrNull) {
        if (maxBodyBytes < 1 || maxBodyBytes > PushSettings.MAX_BODY_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxBodyBytes: must be 1 to " + PushSettings.MAX_BODY_BYTES_LIMIT + ", got " + maxBodyBytes);
        }
        this.windower = windower;
        this.maxBodyBytes = maxBodyBytes;
        this.expectedAuthorization = tokenOrNull == null || tokenOrNull.isBlank() ? null
                : ("Bearer " + tokenOrNull.strip()).getBytes(StandardCharsets.UTF_8);
    }

    /** The answer to a body that was read: how many records were kept and dropped, and why (at most {@value #LISTED_ERRORS}). */
    record Answer(long accepted, long rejected, List<PushRejection> errors, Integer errorsNotListed) {
    }

    /** The answer to a body that was not read. */
    record Refusal(String error) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // Not try-with-resources: the exchange must still be open for the 500 when a bug throws.
        try {
            respond(exchange);
        } catch (IOException e) {
            // The client went away mid-exchange: nothing to answer, nothing kept that was not counted.
            LOG.debugf("push exchange from %s ended early: %s", exchange.getRemoteAddress(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf(e, "push exchange from %s failed", exchange.getRemoteAddress());
            tryToSend(exchange, 500, Json.writeBytes(new Refusal("internal error: " + e.getClass().getSimpleName())));
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        if (!PATH.equals(exchange.getRequestURI().getPath())) {
            refuse(exchange, 404, "no such path: the push endpoint is POST " + PATH);
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            refuse(exchange, 405, "method " + PushBody.quote(exchange.getRequestMethod()) + " not allowed: use POST");
            return;
        }
        if (expectedAuthorization != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            refuse(exchange, 401, "missing or wrong token: send 'Authorization: Bearer TOKEN' with the agent's push token");
            return;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && declaredOver(length)) {
            refuse(exchange, 413, "body over the limit of " + maxBodyBytes + " bytes: send smaller batches");
            return;
        }
        // One byte past the limit tells an over-long body without holding it (chunked bodies declare no length).
        byte[] body = exchange.getRequestBody().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            refuse(exchange, 413, "body over the limit of " + maxBodyBytes + " bytes: send smaller batches");
            return;
        }
        PushBody.Parsed parsed = PushBody.parse(body);
        List<PushRejection> errors = new ArrayList<>(parsed.rejections());
        // The windower indexes its refusals by position among the valid records; the client knows body positions.
        for (PushRejection refused : windower.offer(parsed.requests())) {
            errors.add(new PushRejection(parsed.entries().get(refused.index()).index(), refused.reason()));
        }
        errors.sort((a, b) -> Integer.compare(a.index(), b.index()));
        long kept = parsed.entries().size() - (errors.size() - parsed.rejections().size());
        accepted.add(kept);
        rejected.add(errors.size());
        if (errors.isEmpty()) {
            send(exchange, 200, Json.writeBytes(new Answer(kept, 0, null, null)));
        } else {
            int listed = Math.min(errors.size(), LISTED_ERRORS);
            send(exchange, 400, Json.writeBytes(new Answer(kept, errors.size(), errors.subList(0, listed),
                    errors.size() > listed ? errors.size() - listed : null)));
        }
    }

    /** Compared in constant time: how long a refusal takes must not tell how much of the token was right. */
    private boolean authorized(String header) {
        return header != null && MessageDigest.isEqual(expectedAuthorization, header.strip().getBytes(StandardCharsets.UTF_8));
    }

    private boolean declaredOver(String length) {
        try {
            return Long.parseLong(length.strip()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            // The server itself refuses a malformed Content-Length; if one gets here, reading stops at the limit anyway.
            return false;
        }
    }

    private void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        refusedBodies.increment();
        send(exchange, status, Json.writeBytes(new Refusal(reason)));
    }

    private static void send(HttpExchange exchange, int status, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    private static void tryToSend(HttpExchange exchange, int status, byte[] json) {
        try {
            send(exchange, status, json);
        } catch (IOException | RuntimeException ignored) {
            // Headers may already be out; the exchange is closed either way.
        }
    }

    /** Records kept, over all bodies: the agent's metrics publish it. */
    public long acceptedRecords() {
        return accepted.sum();
    }

    /** Records dropped with a reason (in a 400), over all bodies. */
    public long rejectedRecords() {
        return rejected.sum();
    }

    /** Whole bodies refused unread or unkept: 401, 404, 405, 413. */
    public long refusedBodies() {
        return refusedBodies.sum();
    }

    public PushWindower windower() {
        return windower;
    }
}
