package dev.perch.faults;

import java.nio.file.Path;

/**
 * What every fault gets: a working directory of its own (fresh and empty) and the packaged
 * application, for faults that run Perch as users do ({@code java -jar JAR demo …}).
 */
record FaultContext(Path workDir, Path jar) {
}
