package dev.perch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What can be checked of the image without Docker (no registry is reachable where Perch is built, so
 * the image itself is never built here): after {@code mvn package}, everything
 * {@code src/main/docker/Dockerfile.jvm} copies exists and the build context keeps it; the files laid
 * out as its COPY lines lay them out start Perch with the image's entrypoint and JVM options, the
 * subcommand first and arguments whole; and the image {@code deploy/} runs is {@code perch:} and the
 * project version, the tag the README's build line gives it.
 */
class DockerfileIT {
    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Path LAYOUT = Path.of("target/dockerfile-it");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instruction of the Dockerfile: its keyword (upper case) and the rest of its line(s). */
    private record Instruction(String keyword, String arguments) {
    }

    /** A COPY: its sources, relative to the build context (the repository root), and its destination in the image. */
    private record Copy(List<String> sources, String destination) {
    }

    private static List<Instruction> instructions() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            String whole = (pending + trimmed).strip();
            pending.setLength(0);
            if (!whole.isEmpty()) {
                String[] parts = whole.split("\\s+", 2);
                instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
            }
        }
        return instructions;
    }

    private static List<Copy> copies() throws IOException {
        List<Copy> copies = new ArrayList<>();
        for (Instruction i : instructions()) {
            if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) {
                continue;
            }
            assertFalse(i.arguments().startsWith("["), "COPY in JSON form is not read here: " + i);
            List<String> words = new ArrayList<>(List.of(i.arguments().split("\\s+")));
            assertTrue(words.stream().noneMatch(w -> w.startsWith("--from")), "a copy from another stage: " + i);
            words.removeIf(w -> w.startsWith("--"));
            assertTrue(words.size() >= 2, "a COPY with a source and a destination: " + i);
            copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
        }
        assertFalse(copies.isEmpty(), DOCKERFILE + " copies nothing");
        return copies;
    }

    /** The paths a COPY source names: itself, or what the glob in its last part matches. */
    private static List<Path> matches(String source) throws IOException {
        Path path = Path.of(source);
        String last = path.getFileName().toString();
        if (!last.contains("*") && !last.contains("?") && !last.contains("[")) {
            return Files.exists(path) ? List.of(path) : List.of();
        }
        Path parent = path.getParent() == null ? Path.of(".") : path.getParent();
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + last);
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(p -> glob.matches(p.getFileName())).sorted().toList();
        }
    }

    @Test
    void everyPathTheDockerfileCopiesExistsAfterPackage() throws Exception {
        List<String> kept = keptByDockerignore();
        for (Copy copy : copies()) {
            for (String source : copy.sources()) {
                assertTrue(source.startsWith("target/"), source + ": the image is made of build output only");
                List<Path> found = matches(source);
                assertFalse(found.isEmpty(), source + " (copied by " + DOCKERFILE + ") does not exist: run mvn package first");
                for (Path p : found) {
                    if (Files.isDirectory(p)) {
                        try (Stream<Path> inside = Files.list(p)) {
                            assertTrue(inside.findAny().isPresent(), p + " is empty");
                        }
                    }
                }
                assertTrue(kept.stream().anyMatch(source::startsWith),
                        source + " is left out of the build context by .dockerignore (it keeps " + kept + ")");
            }
        }
    }

    /**
     * The folders {@code .dockerignore} keeps in the build context after ignoring everything: its
     * {@code !DIR/*} lines, the only form written there (a new form fails here until this reads it).
     */
    private static List<String> keptByDockerignore() throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(".dockerignore"), StandardCharsets.UTF_8)) {
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("#") || rule.equals("*")) {
                continue;
            }
            assertTrue(rule.startsWith("!") && rule.endsWith("/*"), ".dockerignore rule not understood here: " + rule);
            kept.add(rule.substring(1, rule.length() - 1));
        }
        return kept;
    }

    /**
     * Lays the packaged files out under {@code root} as the COPY lines put them in the image (a
     * folder's contents into the destination folder; files into it), as hard links where it can.
     */
    private static void layOut(Path root) throws IOException {
        for (Copy copy : copies()) {
            Path destination = root.resolve(copy.destination().replaceFirst("^/", ""));
            for (String source : copy.sources()) {
                for (Path found : matches(source)) {
                    if (Files.isDirectory(found)) {
                        try (Stream<Path> tree = Files.walk(found)) {
                            for (Path file : tree.filter(Files::isRegularFile).toList()) {
                                place(file, destination.resolve(found.relativize(file).toString()));
                            }
                        }
                    } else {
                        place(found, copy.destination().endsWith("/") ? destination.resolve(found.getFileName().toString()) : destination);
                    }
                }
            }
        }
    }

    private static void place(Path file, Path at) throws IOException {
        Files.createDirectories(at.getParent());
        try {
            Files.createLink(at, file);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(file, at);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The ENV lines, one {@code KEY=VALUE} (the value optionally quoted) each: the only form written there. */
    private static Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|'([^']*)'|(\\S*))");
        for (Instruction i : instructions()) {
            if (i.keyword().equals("ENV")) {
                Matcher m = pair.matcher(i.arguments());
                assertTrue(m.matches(), "ENV not understood here (one KEY=VALUE a line): " + i);
                env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : m.group(5));
            }
        }
        return env;
    }

    /** The ENTRYPOINT in exec form, with the image's {@code /} at {@code root}. */
    private static List<String> entrypoint(Path root) throws IOException {
        List<Instruction> entrypoints = instructions().stream().filter(i -> i.keyword().equals("ENTRYPOINT")).toList();
        assertEquals(1, entrypoints.size(), "one ENTRYPOINT");
        JsonNode words = JSON.readTree(entrypoints.get(0).arguments());
        assertTrue(words.isArray(), "the ENTRYPOINT in exec form, so that arguments reach the jar whole");
        List<String> command = new ArrayList<>();
        for (JsonNode word : words) {
            String w = word.asText();
            command.add(w.startsWith("/deployments/") ? root.resolve(w.substring(1)).toString() : w);
        }
        return command;
    }

    private record Ran(int exitCode, String stdout, String stderr) {
    }

    private static Ran run(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(entrypoint(root));
        command.addAll(List.of(args));
        Path out = LAYOUT.resolve("out");
        Path err = LAYOUT.resolve("err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment());
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), command + " ends");
        return new Ran(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theLaidOutImageRunsPerchWithTheSubcommandFirstAndStdoutClean() throws Exception {
        deleteTree(LAYOUT);
        Path root = LAYOUT.resolve("root");
        layOut(root);

        Ran help = run(root, "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertEquals("", help.stdout(), "nothing but Perch's own output on stdout");
        assertTrue(help.stderr().contains("usage: ") && help.stderr().contains("  run [--namespace NS]"), help.stderr());

        // A path with spaces reaches the command as one argument (a shell script in between would split it).
        Path missing = LAYOUT.resolve("no such dir/snapshot.json").toAbsolutePath();
        Ran predict = run(root, "predict", "--file", missing.toString());
        assertEquals(2, predict.exitCode(), predict.stderr());
        assertEquals("", predict.stdout());
        assertTrue(predict.stderr().contains("perch predict: cannot read " + missing + ": no such file"), predict.stderr());
    }

    /** {@code /project/version} of pom.xml. */
    private static String projectVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
                .getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals("version")) {
                return n.getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no project version");
    }

    /** The image an {@code images:} entry for {@code perch} makes of it; null when the file has none. */
    private static String kustomizedImage(Path kustomization) throws IOException {
        String image = null;
        for (JsonNode entry : YAML.readTree(kustomization.toFile()).path("images")) {
            if (entry.path("name").asText().equals("perch")) {
                assertTrue(image == null, kustomization + ": one images: entry for perch");
                image = entry.path("newName").asText("perch") + ":" + entry.path("newTag").asText();
            }
        }
        return image;
    }

    @Test
    void theImageDeployRunsIsPerchAtTheProjectVersion() throws Exception {
        String expected = "perch:" + projectVersion();
        JsonNode deployment = YAML.readTree(Path.of("deploy/base/deployment.yaml").toFile());
        assertEquals(expected, deployment.at("/spec/template/spec/containers/0/image").asText(), "deploy/base/deployment.yaml");
        assertEquals(expected, kustomizedImage(Path.of("deploy/base/kustomization.yaml")));
        assertEquals(expected, kustomizedImage(Path.of("deploy/overlays/small-edge/kustomization.yaml")));

        // Every other place that names the image by tag (comments, the README's build line) says the same.
        Pattern reference = Pattern.compile("(?<![\\w/.-])perch:(\\w[\\w.-]*)");
        TreeSet<String> wrong = new TreeSet<>();
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), DOCKERFILE));
        try (Stream<Path> deploy = Files.walk(Path.of("deploy")); Stream<Path> docs = Files.walk(Path.of("docs"))) {
            Stream.concat(deploy, docs).filter(p -> p.toString().matches(".*\\.(ya?ml|md)$")).sorted().forEach(files::add);
        }
        int seen = 0;
        for (Path file : files) {
            Matcher m = reference.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                seen++;
                String tag = m.group(1).replaceAll("[.]+$", ""); // a sentence's full stop is not the tag's
                if (!("perch:" + tag).equals(expected)) {
                    wrong.add(file + ": perch:" + tag);
                }
            }
        }
        assertTrue(seen >= 3, "the README's build line and deploy/ name the image");
        if (!wrong.isEmpty()) {
            fail("the image is " + expected + " (perch: and pom.xml's version), but " + wrong);
        }
    }
}
