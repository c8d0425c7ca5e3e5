package io.ragstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Python tools the tests run (the Milvus Lite server, schemathesis), each from its own environment that
 * {@code testkit/python/prepare.sh NAME} builds at {@code <repo>/.venv-NAME} from pinned PyPI packages. An environment
 * that is missing is prepared on first use.
 */
public final class PythonTools {

    private static final Logger log = LoggerFactory.getLogger(PythonTools.class);
    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(10);

    private PythonTools() {}

    /**
     * The path of {@code command} in environment {@code name}, prepared if needed; when it cannot be had, the test is
     * skipped with the reason, or fails under {@code CI=true} (CI must run every test).
     */
    public static Path require(String name, String command, String whatFor) {
        Optional<String> whyNot = whyUnavailable(name, command);
        if (whyNot.isPresent()) {
            String message = whatFor + " needs " + command + " from Python environment " + name + ": " + whyNot.get()
                    + ". Install python3 (>= 3.10) with venv and pip so that testkit/python/prepare.sh " + name
                    + " can build it.";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " CI must run these tests, not skip them.");
            }
            Assumptions.abort(message);
        }
        return executable(name, command);
    }

    /** Why the command cannot be had, after trying to prepare its environment; empty when it can. */
    static Optional<String> whyUnavailable(String name, String command) {
        Path executable = executable(name, command);
        if (Files.isExecutable(executable)) {
            return Optional.empty();
        }
        Path prepare = repoRoot().resolve("testkit/python/prepare.sh");
        log.info("python-env={} preparing script={}", name, prepare);
        try {
            Path logFile = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target"))
                    .resolve(name + "-prepare.log");
            Process p = new ProcessBuilder("bash", prepare.toString(), name)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            if (!p.waitFor(PREPARE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(prepare + " " + name + " did not finish within " + PREPARE_TIMEOUT);
            }
            if (p.exitValue() != 0 || !Files.isExecutable(executable)) {
                return Optional.of(prepare + " " + name + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(logFile).strip());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run " + prepare + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while preparing " + name);
        }
    }

    /** Where the command lives: {@code <repo>/.venv-NAME/bin/COMMAND}. */
    static Path executable(String name, String command) {
        return repoRoot().resolve(".venv-" + name).resolve("bin").resolve(command);
    }

    /** The repository root: {@code RAGSTREAM_REPO_ROOT}, or the nearest directory above the working one with mvnw. */
    public static Path repoRoot() {
        String fromEnv = System.getenv("RAGSTREAM_REPO_ROOT");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("testkit"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the ragstream repository above " + System.getProperty("user.dir")
                + "; set RAGSTREAM_REPO_ROOT");
    }
}
