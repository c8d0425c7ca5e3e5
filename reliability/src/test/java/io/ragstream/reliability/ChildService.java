package io.ragstream.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One ragstream service as its own JVM, started from this test's class path with its settings as environment
 * variables, as it would run in a container. {@link #kill()} is {@code kill -9}: no shutdown hook, no clean close.
 */
final class ChildService implements AutoCloseable {

    private final String name;
    private final String mainClass;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    private int starts;

    ChildService(String name, String mainClass, Map<String, String> environment, Path log) {
        this(name, mainClass, List.of(), environment, log);
    }

    ChildService(String name, String mainClass, List<String> arguments, Map<String, String> environment, Path log) {
        this.name = name;
        this.mainClass = mainClass;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    String name() {
        return name;
    }

    synchronized void start() {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx768m",
                "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                // A republished version that changes nothing is logged too, so every record a chunker read shows.
                "-Dorg.slf4j.simpleLogger.log.io.ragstream.chunker.ChunkingProcessor=debug",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process freezes, every thread at once, as in a long GC pause; {@link #resume()} thaws it. */
    synchronized void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on where it was, unaware of the time that passed. */
    synchronized void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(this.name + " is not running; cannot send SIG" + name);
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed for " + this.name);
        }
    }

    /** Waits until the process logged a line containing {@code text} (since its log was last cleared). */
    void awaitLogged(String text, Duration within) {
        Awaitility.await(name + " logs '" + text + "'")
                .atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!alive()) {
                        throw new IllegalStateException(name + " died before it logged '" + text + "'; see " + log);
                    }
                    try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                        return lines.anyMatch(line -> line.contains(text));
                    }
                });
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    /** SIGTERM: the service's shutdown hook closes it cleanly. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(Duration.ofSeconds(40).toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
