package dev.perch.telemetry;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A rejected input ({@code perch.dlq.v1}): why, where it came from, and the raw payload — as UTF-8
 * text when it is valid UTF-8, else base64 — so nothing a producer sent is lost.
 */
public record DeadLetterRecord(String schema, String reason, String sourceTopic, int partition, long offset,
                               long receivedAtMs, String payload, String payloadEncoding) {
    public static final String SCHEMA = "perch.dlq.v1";

    public static DeadLetterRecord of(String reason, String sourceTopic, int partition, long offset, long receivedAtMs,
                                      byte[] payload) {
        String text = null;
        String encoding = "utf8";
        if (payload != null) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(payload)).toString();
            } catch (CharacterCodingException e) {
                text = Base64.getEncoder().encodeToString(payload);
                encoding = "base64";
            }
        }
        return new DeadLetterRecord(SCHEMA, reason, sourceTopic, partition, offset, receivedAtMs, text, encoding);
    }
}
