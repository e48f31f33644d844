package dev.perch.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code --name value} options of one subcommand, checked against the names it accepts. */
final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(List<String> args, Set<String> accepted) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name;
            String value;
            if (arg.startsWith("--") && arg.contains("=")) {
                name = arg.substring(2, arg.indexOf('='));
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (arg.startsWith("--")) {
                name = arg.substring(2);
                if (i + 1 >= args.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (!accepted.contains(name)) {
                throw new UsageException("unknown option --" + name + " (accepted: --"
                        + String.join(", --", accepted.stream().sorted().toList()) + ")");
            }
            values.put(name, value);
        }
        return new Options(values);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    long getLong(String name, long fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }

    /** Durations as {@code 60s}, {@code 2m}, {@code 500ms}, {@code 1h} or plain seconds. */
    static double parseDurationSec(String name, String text) {
        try {
            if (text.endsWith("ms")) {
                return Double.parseDouble(text.substring(0, text.length() - 2)) / 1000.0;
            }
            double factor = switch (text.charAt(text.length() - 1)) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                default -> 0;
            };
            double value = factor == 0 ? Double.parseDouble(text) : Double.parseDouble(text.substring(0, text.length() - 1));
            double seconds = value * (factor == 0 ? 1 : factor);
            if (!(seconds > 0) || !Double.isFinite(seconds)) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new UsageException("--" + name + " must be a positive duration such as 60s, 2m or 500ms, got '" + text + "'");
        }
    }
}
