package dev.perch.agent.scrape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a metrics page in the Prometheus text format 0.0.4 or in OpenMetrics 1.0, strictly, one
 * line at a time. No maintained Java library reads the format (client_java only writes it), and the
 * agent needs little of it: samples with their labels and values, and the declared types.
 *
 * <p>What it accepts: {@code # HELP}, {@code # TYPE}, {@code # UNIT} and other comments; {@code # EOF}
 * (after which nothing may follow); metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}; label sets with
 * optional blanks, label values escaped with {@code \\}, {@code \"} and {@code \n}, and a trailing
 * comma ({@code {a="1",}}, as TorchServe writes); values as decimal numbers, {@code NaN},
 * {@code +Inf}, {@code -Inf} and {@code Inf} (case-insensitive, as Go's parser reads them); an
 * optional timestamp; an OpenMetrics exemplar ({@code # {trace_id="…"} 0.5}) after the value;
 * {@code _created} samples like any other.
 *
 * <p>A line that breaks the format — a bad name or escape, a duplicate label, a value Java would
 * read but Prometheus would not ({@code 1d}, {@code 0x10}), an unknown type, a series seen twice,
 * anything after {@code # EOF} — is skipped and counted, and the rest of the page is used: one bad
 * line from a custom exporter must not cost every app its window.
 */
public final class ExpositionParser {
    /** Problems kept per page for the log; the rest are only counted. */
    static final int KEPT_PROBLEMS = 5;
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped", "unknown",
            "gaugehistogram", "stateset", "info");
    /** A decimal float as Go's ParseFloat reads one, without its hexadecimal or underscore forms. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private ExpositionParser() {
    }

    /** A line that breaks the format, with the reason. */
    private static final class BadLine extends Exception {
        BadLine(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Exposition parse(String page) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int bad = 0;
        boolean eof = false;
        String[] lines = page.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            try {
                if (eof) {
                    throw new BadLine("text after # EOF");
                }
                if (line.startsWith("#")) {
                    eof = comment(line, types);
                    continue;
                }
                Sample sample = sample(line);
                if (!seen.add(sample.seriesKey())) {
                    throw new BadLine("series " + sample.seriesKey() + " appears twice");
                }
                samples.add(sample);
            } catch (BadLine e) {
                bad++;
                if (problems.size() < KEPT_PROBLEMS) {
                    problems.add("line " + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        return new Exposition(samples, types, bad, problems, eof);
    }

    /** Reads a comment line; true for {@code # EOF}. */
    private static boolean comment(String line, Map<String, String> types) throws BadLine {
        if (line.equals("# EOF")) {
            return true;
        }
        String[] words = line.split("[ \t]+", 4);
        if (words.length < 2 || !words[0].equals("#")) {
            return false; // a free-form comment
        }
        String keyword = words[1];
        if (!keyword.equals("HELP") && !keyword.equals("TYPE") && !keyword.equals("UNIT")) {
            return false;
        }
        if (words.length < 3 || !metricName(words[2])) {
            throw new BadLine("# " + keyword + " needs a metric name");
        }
        if (keyword.equals("TYPE")) {
            String type = words.length < 4 ? "" : words[3].strip();
            if (!TYPES.contains(type)) {
                throw new BadLine("unknown metric type '" + type + "' for " + words[2]);
            }
            if (types.putIfAbsent(words[2], type) != null) {
                throw new BadLine("second # TYPE for " + words[2]);
            }
        }
        return false;
    }

    private static Sample sample(String line) throws BadLine {
        Cursor at = new Cursor(line);
        String name = at.name(true);
        if (name.isEmpty()) {
            throw new BadLine("a sample must start with a metric name");
        }
        boolean blank = at.blanks();
        TreeMap<String, String> labels = new TreeMap<>();
        if (at.peek() == '{') {
            labels = at.labels();
            blank = at.blanks();
        }
        if (!blank) {
            throw new BadLine("a blank must separate " + name + " and its value");
        }
        double value = number(at.word(), "value");
        Double timestamp = null;
        if (at.blanks() && !at.done() && at.peek() != '#') {
            timestamp = number(at.word(), "timestamp");
            if (!Double.isFinite(timestamp)) {
                throw new BadLine("timestamp must be finite");
            }
            at.blanks();
        }
        if (!at.done() && at.peek() == '#') {
            at.exemplar();
        }
        if (!at.done()) {
            throw new BadLine("unexpected text after the value: '" + line.substring(at.position()) + "'");
        }
        return new Sample(name, labels, value, timestamp);
    }

    static double number(String text, String what) throws BadLine {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "+inf":
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!DECIMAL.matcher(text).matches()) {
                    throw new BadLine(what + " '" + text + "' is not a number");
                }
                return Double.parseDouble(text);
        }
    }

    static boolean metricName(String text) {
        return !text.isEmpty() && new Cursor(text).name(true).length() == text.length();
    }

    /** A position in one line. */
    private static final class Cursor {
        private final String line;
        private int at;

        Cursor(String line) {
            this.line = line;
        }

        boolean done() {
            return at >= line.length();
        }

        char peek() {
            return done() ? '\0' : line.charAt(at);
        }

        int position() {
            return at;
        }

        /** Skips spaces and tabs; true when there were any. */
        boolean blanks() {
            int start = at;
            while (!done() && (peek() == ' ' || peek() == '\t')) {
                at++;
            }
            return at > start;
        }

        /** A metric name ({@code colons} true) or a label name; empty when none starts here. */
        String name(boolean colons) {
            int start = at;
            while (!done()) {
                char c = peek();
                boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || colons && c == ':';
                if (!letter && !(at > start && c >= '0' && c <= '9')) {
                    break;
                }
                at++;
            }
            return line.substring(start, at);
        }

        String word() throws BadLine {
            int start = at;
            while (!done() && peek() != ' ' && peek() != '\t') {
                at++;
            }
            if (at == start) {
                throw new BadLine("missing value");
            }
            return line.substring(start, at);
        }

        /** A label set from its {@code {} to its {@code }}, a trailing comma allowed. */
        TreeMap<String, String> labels() throws BadLine {
            TreeMap<String, String> labels = new TreeMap<>();
            at++; // {
            while (true) {
                blanks();
                if (peek() == '}') {
                    at++;
                    return labels;
                }
                String label = name(false);
                if (label.isEmpty()) {
                    throw new BadLine(done() ? "label set not closed" : "bad label name at '" + line.substring(at) + "'");
                }
                blanks();
                expect('=', "after label " + label);
                blanks();
                String value = quoted(label);
                if (labels.put(label, value) != null) {
                    throw new BadLine("label " + label + " appears twice");
                }
                blanks();
                if (peek() == ',') {
                    at++;
                } else if (peek() != '}') {
                    throw new BadLine("expected ',' or '}' after label " + label);
                }
            }
        }

        private void expect(char c, String where) throws BadLine {
            if (peek() != c) {
                throw new BadLine("expected '" + c + "' " + where);
            }
            at++;
        }

        private String quoted(String label) throws BadLine {
            expect('"', "to open the value of label " + label);
            StringBuilder value = new StringBuilder();
            while (true) {
                if (done()) {
                    throw new BadLine("value of label " + label + " not closed");
                }
                char c = line.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = done() ? '\0' : line.charAt(at++);
                switch (escaped) {
                    case '\\' -> value.append('\\');
                    case '"' -> value.append('"');
                    case 'n' -> value.append('\n');
                    default -> throw new BadLine("bad escape '\\" + escaped + "' in label " + label);
                }
            }
        }

        /** An OpenMetrics exemplar: {@code # {labels} value [timestamp]}, read and dropped. */
        void exemplar() throws BadLine {
            at++; // #
            blanks();
            if (peek() != '{') {
                throw new BadLine("an exemplar needs a label set after '#'");
            }
            labels();
            if (!blanks()) {
                throw new BadLine("an exemplar needs a value");
            }
            number(word(), "exemplar value");
            if (blanks() && !done()) {
                number(word(), "exemplar timestamp");
                blanks();
            }
        }
    }
}
