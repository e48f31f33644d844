package dev.perch.faults;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The flood's telemetry: fair reports of {@value #STREAMS} streams (app on accelerator), one a
 * second each, and hostile records of every kind the issue names, each built around a fair report
 * so that only the one thing wrong with it is wrong.
 */
final class HostileTelemetry {
    static final int STREAMS = 100;
    static final int APPS_PER_ACCELERATOR = 4;
    /** Payloads this large are near the broker's record size limit (1 MiB of request, by Kafka's defaults). */
    static final int NEAR_LIMIT_BYTES = 1_040_000;

    /** One record to send: its key, its value, and, for a hostile one, its kind. */
    record Telemetry(String key, byte[] value, Kind kind) {
    }

    /**
     * The kinds of hostile record, each with the words its dead letter's reason must hold (one of
     * them): what Perch must say about it.
     */
    enum Kind {
        BROKEN_JSON("malformed JSON", "empty record"),
        WRONG_TYPES("must be a number", "must be a non-empty string", "must be an object"),
        NAN_AS_TEXT("must be a number", "must be a finite number"),
        NEGATIVE("must not be negative"),
        ABSURD("at most"),
        NEAR_LIMIT("truncated"),
        UNKNOWN_SCHEMA("schema"),
        MISSING_FIELD("missing required field"),
        REVERSED_WINDOW("must be after windowStartMs"),
        FAR_FUTURE("ahead"),
        WRONG_KEY("record key"),
        LONG_ID("characters"),
        NOT_AN_OBJECT("not a JSON object");

        final List<String> reasonWords;

        Kind(String... reasonWords) {
            this.reasonWords = List.of(reasonWords);
        }

        boolean explains(String reason) {
            return reason != null && reasonWords.stream().anyMatch(reason::contains);
        }
    }

    /** The kinds spread evenly; {@link Kind#NEAR_LIMIT} only every so often (each is a megabyte). */
    private static final List<Kind> EVEN = List.of(Kind.values()).stream().filter(k -> k != Kind.NEAR_LIMIT).toList();

    private final long firstWindowMs;

    /** Fair windows start at {@code firstWindowMs} and follow one a second. */
    HostileTelemetry(long firstWindowMs) {
        this.firstWindowMs = firstWindowMs;
    }

    static String accelerator(int stream) {
        return "flood-" + stream / APPS_PER_ACCELERATOR + "/tpu0";
    }

    /** The {@code n}-th fair report: streams in turn, each one window a second. */
    Telemetry fair(long n) {
        int stream = (int) (n % STREAMS);
        long window = n / STREAMS;
        return new Telemetry(accelerator(stream), bytes(report(stream, firstWindowMs + window * 1000)), null);
    }

    /** The {@code n}-th hostile record; {@code nearLimitEvery} spaces the near-limit ones. */
    Telemetry hostile(long n, long nearLimitEvery, long nowMs) {
        if (n % nearLimitEvery == nearLimitEvery / 2) {
            return nearLimit(n);
        }
        Kind kind = EVEN.get((int) (n % EVEN.size()));
        int stream = (int) (n / EVEN.size() % STREAMS);
        String key = accelerator(stream);
        String fair = report(stream, firstWindowMs + (n % 500) * 1000);
        int variant = (int) (n / EVEN.size() / STREAMS % 4);
        return switch (kind) {
            case BROKEN_JSON -> switch (variant) {
                case 0 -> new Telemetry(key, bytes(fair.substring(0, fair.length() / 2)), kind);
                case 1 -> new Telemetry(key, new byte[]{(byte) 0xff, (byte) 0xfe, 0x7b, (byte) 0xc3, 0x28}, kind);
                case 2 -> new Telemetry(key, bytes(fair.replace('"', '\'')), kind);
                default -> new Telemetry(key, null, kind);
            };
            case WRONG_TYPES -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replace("\"requests\":17", "\"requests\":\"17\"");
                case 1 -> fair.replace("\"node\":\"flood-", "\"node\":5,\"x\":\"");
                case 2 -> fair.replace("\"latencyMs\":{\"mean\":16.2,", "\"latencyMs\":[16.2],\"y\":{");
                default -> fair.replace("\"windowStartMs\":", "\"windowStartMs\":true,\"z\":");
            }), kind);
            case NAN_AS_TEXT -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replace("\"mean\":16.2", "\"mean\":\"NaN\"");
                case 1 -> fair.replace("\"p95\":110.0", "\"p95\":\"Infinity\"");
                case 2 -> fair.replace("\"p99\":190.0", "\"p99\":\"-Infinity\"");
                default -> fair.replace("\"mean\":16.2", "\"mean\":NaN");
            }), kind);
            case NEGATIVE -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replace("\"requests\":17", "\"requests\":-3");
                case 1 -> fair.replace("\"mean\":16.2", "\"mean\":-1");
                case 2 -> fair.replace("\"swaps\":6", "\"swaps\":-6");
                default -> fair.replace("\"mean\":5.2", "\"mean\":-0.5");
            }), kind);
            case ABSURD -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replace("\"requests\":17", "\"requests\":1000000000000000");
                case 1 -> fair.replace("\"max\":201.0", "\"max\":1e300");
                // A window of ten years, ending where a fair one does.
                case 2 -> fair.replaceFirst("\"windowStartMs\":\\d+", "\"windowStartMs\":"
                        + (firstWindowMs - 10L * 365 * 86_400_000));
                // 2^64 + 17: a reader that wraps 64-bit integers reads 17.
                default -> fair.replace("\"requests\":17", "\"requests\":18446744073709551633");
            }), kind);
            case UNKNOWN_SCHEMA -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replace("perch.telemetry.v1", "perch.telemetry.v2");
                case 1 -> fair.replace("\"perch.telemetry.v1\"", "\"\"");
                case 2 -> fair.replace("\"perch.telemetry.v1\"", "null");
                default -> fair.replace("perch.telemetry.v1", "perch.predictions.v1");
            }), kind);
            case MISSING_FIELD -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> fair.replaceFirst("\"node\":\"[^\"]+\",", "");
                case 1 -> fair.replaceFirst("\"app\":\"[^\"]+\",", "");
                case 2 -> fair.replace("\"requests\":17,", "");
                default -> fair.replace("\"mean\":16.2,", "");
            }), kind);
            case REVERSED_WINDOW -> new Telemetry(key, bytes(variant % 2 == 0
                    ? fair.replaceFirst("\"windowEndMs\":\\d+", "\"windowEndMs\":" + (firstWindowMs - 5000))
                    : fair.replaceFirst("\"windowEndMs\":\\d+", "\"windowEndMs\":" + (firstWindowMs + (n % 500) * 1000))), kind);
            case FAR_FUTURE -> {
                // A node whose clock jumped a year (or a century) ahead: a fair report otherwise, of a fair stream.
                long aheadMs = variant % 2 == 0 ? 365L * 86_400_000 : 100L * 365 * 86_400_000;
                yield new Telemetry(key, bytes(report(stream, nowMs + aheadMs + (n % 1000) * 1000)), kind);
            }
            case WRONG_KEY -> new Telemetry(variant % 2 == 0 ? accelerator((stream + APPS_PER_ACCELERATOR) % STREAMS) : null,
                    bytes(fair), kind);
            case LONG_ID -> {
                String id = "x".repeat(10_000);
                yield switch (variant) {
                    case 0 -> new Telemetry(key, bytes(fair.replaceFirst("\"app\":\"[^\"]+\"", "\"app\":\"" + id + "\"")), kind);
                    case 1 -> new Telemetry(id, bytes(fair.replaceFirst("\"accelerator\":\"[^\"]+\"", "\"accelerator\":\"" + id + "\"")), kind);
                    case 2 -> new Telemetry(key, bytes(fair.replaceFirst("\"node\":\"[^\"]+\"", "\"node\":\"" + id + "\"")), kind);
                    default -> new Telemetry(key, bytes(fair.replace("\"mobilenet_v2\"", "\"" + id + "\"")), kind);
                };
            }
            case NOT_AN_OBJECT -> new Telemetry(key, bytes(switch (variant) {
                case 0 -> "[" + fair + "]";
                case 1 -> "\"perch.telemetry.v1\"";
                case 2 -> "42";
                default -> "null";
            }), kind);
            case NEAR_LIMIT -> throw new IllegalStateException("near-limit records are placed apart");
        };
    }

    /**
     * A payload near the broker's limit: binary (a dead letter carries it base64, a third larger), a
     * JSON string never closed, or text of quotes (each escaped in a dead letter, twice the size).
     */
    private Telemetry nearLimit(long n) {
        byte[] payload = new byte[NEAR_LIMIT_BYTES];
        switch ((int) (n % 3)) {
            case 0 -> {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) (0x80 + i % 64);
                }
            }
            case 1 -> {
                byte[] head = bytes("{\"schema\":\"perch.telemetry.v1\",\"padding\":\"");
                java.util.Arrays.fill(payload, (byte) 'a');
                System.arraycopy(head, 0, payload, 0, head.length);
            }
            default -> java.util.Arrays.fill(payload, (byte) '"');
        }
        return new Telemetry(accelerator(0), payload, Kind.NEAR_LIMIT);
    }

    private static String report(int stream, long startMs) {
        int accelerator = stream / APPS_PER_ACCELERATOR;
        return String.format(Locale.ROOT, "{\"schema\":\"perch.telemetry.v1\",\"node\":\"flood-%d\",\"accelerator\":\"%s\","
                        + "\"acceleratorType\":\"edgetpu\",\"app\":\"flood-app-%d\",\"model\":\"mobilenet_v2\","
                        + "\"windowStartMs\":%d,\"windowEndMs\":%d,\"requests\":17,\"latencyMs\":{\"mean\":16.2,"
                        + "\"p50\":5.3,\"p95\":110.0,\"p99\":190.0,\"max\":201.0},\"serviceMs\":{\"mean\":5.2},"
                        + "\"queueMs\":{\"mean\":10.1},\"swaps\":6}",
                accelerator, accelerator(stream), stream, startMs, startMs + 1000);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
