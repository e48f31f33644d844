package dev.perch.telemetry;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A rejected input ({@code perch.dlq.v1}): why, where it came from, and the raw payload — as UTF-8
 * text when it is valid UTF-8, else base64 — so that what a producer sent can be looked at.
 *
 * <p>Bounded, so that a dead letter always fits the broker's record size limit (1 MiB by Kafka's
 * defaults), whatever was sent: a payload longer than {@value #KEPT_PAYLOAD_BYTES} bytes keeps its
 * first {@value #KEPT_PAYLOAD_BYTES} (cut at a character, for text) and the reason says so; a
 * reason longer than {@value #MAX_REASON_CHARS} characters is cut, and one line. Escaped in JSON,
 * the kept payload is at most six times its bytes (a control character takes six), still under
 * half the limit. Without the bound, a payload near the limit made a dead letter over it, the
 * topology's producer failed on it, and the topology stopped — again on every restart.
 */
public record DeadLetterRecord(String schema, String reason, String sourceTopic, int partition, long offset,
                               long receivedAtMs, String payload, String payloadEncoding) {
    public static final String SCHEMA = "perch.dlq.v1";
    /** Bytes of a payload a dead letter keeps: as much as the largest telemetry report read ({@link TelemetryParser#MAX_PAYLOAD_BYTES}). */
    public static final int KEPT_PAYLOAD_BYTES = TelemetryParser.MAX_PAYLOAD_BYTES;
    public static final int MAX_REASON_CHARS = 1_000;
    /** Characters of a dead letter's key (the rejected record's key). */
    public static final int MAX_KEY_CHARS = TelemetryParser.MAX_ID_CHARS;

    public static DeadLetterRecord of(String reason, String sourceTopic, int partition, long offset, long receivedAtMs,
                                      byte[] payload) {
        String text = null;
        String encoding = "utf8";
        String cut = "";
        if (payload != null) {
            byte[] kept = payload;
            if (payload.length > KEPT_PAYLOAD_BYTES) {
                boolean utf8 = decodes(payload);
                int end = KEPT_PAYLOAD_BYTES;
                // Back to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
                while (utf8 && end > 0 && (payload[end] & 0xC0) == 0x80) {
                    end--;
                }
                kept = Arrays.copyOf(payload, end);
                cut = " (payload truncated: its first " + end + " of " + payload.length + " bytes kept)";
            }
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(kept)).toString();
            } catch (CharacterCodingException e) {
                text = Base64.getEncoder().encodeToString(kept);
                encoding = "base64";
            }
        }
        String said = reason == null ? null : oneLine(reason, MAX_REASON_CHARS - cut.length()) + cut;
        return new DeadLetterRecord(SCHEMA, said, sourceTopic, partition, offset, receivedAtMs, text, encoding);
    }

    /** The key a dead letter is written with: the rejected record's, cut to {@value #MAX_KEY_CHARS} characters. */
    public static String key(String rejectedKey) {
        return rejectedKey == null || rejectedKey.length() <= MAX_KEY_CHARS ? rejectedKey : rejectedKey.substring(0, MAX_KEY_CHARS);
    }

    private static boolean decodes(byte[] payload) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String oneLine(String reason, int maxChars) {
        String line = reason.replaceAll("[\\r\\n]+", " ");
        if (line.length() <= maxChars) {
            return line;
        }
        int end = maxChars - 1;
        return line.substring(0, Character.isHighSurrogate(line.charAt(end - 1)) ? end - 1 : end) + "…";
    }
}
