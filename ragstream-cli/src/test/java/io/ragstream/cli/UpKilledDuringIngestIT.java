package io.ragstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.model.Ids;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.VectorStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ragstream up` killed with SIGKILL while `ragstream ingest` waits for its documents, as a power cut or the OOM killer
 * would: the interrupted ingest ends non-zero and says why, `up` restarts on its data, a new ingest of the same folder
 * waits for what is still in flight, and the store holds every document once, in one version, with no gap in its
 * chunks. Both commands run as their own processes, as a user runs them.
 */
class UpKilledDuringIngestIT {

    private static final int DOCUMENTS = 40;

    @TempDir
    Path dir;

    @Test
    void anIngestInterruptedByAKilledPipelineEndsNonZeroAndTheNextOneFinishesItsWork() throws Exception {
        Path data = dir.resolve("data");
        Path folder = Files.createDirectories(dir.resolve("notes"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            StringBuilder text = new StringBuilder("Maintenance note " + i + ".\n\n");
            // Some notes are long enough for several chunks, so that a gap in ordinals could show.
            int paragraphs = i % 5 == 0 ? 30 : 2;
            for (int p = 0; p < paragraphs; p++) {
                text.append("Step ")
                        .append(p)
                        .append(" of machine ")
                        .append(i)
                        .append(
                                ": descale the boiler, rinse the group head, check the gasket and log the pressure.\n\n");
            }
            files.add(Files.writeString(folder.resolve("note-" + i + ".txt"), text));
        }
        List<String> up = List.of(
                "up",
                "--data-dir",
                data.toString(),
                "--no-samples",
                "--kafka-port",
                Integer.toString(EmbeddedKafka.freePort()),
                "--query-port",
                Integer.toString(EmbeddedKafka.freePort()),
                "--ingest-port",
                Integer.toString(EmbeddedKafka.freePort()),
                "--embedder-port",
                Integer.toString(EmbeddedKafka.freePort()));
        List<String> ingest = List.of("ingest", "--data-dir", data.toString(), folder.toString(), "--timeout", "PT10M");

        Cli pipeline = Cli.start(dir.resolve("up-1.log"), up);
        try {
            pipeline.awaitOutput("ragstream is up", Duration.ofMinutes(3));
            Cli interrupted = Cli.start(dir.resolve("ingest-1.log"), ingest);
            interrupted.awaitOutput("waiting for", Duration.ofMinutes(2));

            pipeline.kill();

            assertThat(interrupted.awaitExit(Duration.ofMinutes(2)))
                    .as(interrupted.output())
                    .isEqualTo(1);
            assertThat(interrupted.output()).contains("lost the broker at").contains("run the same ingest again");
        } finally {
            pipeline.kill();
        }

        Cli restarted = Cli.start(dir.resolve("up-2.log"), up);
        try {
            restarted.awaitOutput("ragstream is up", Duration.ofMinutes(3));
            Cli again = Cli.start(dir.resolve("ingest-2.log"), ingest);
            assertThat(again.awaitExit(Duration.ofMinutes(10)))
                    .as(again.output())
                    .isZero();
            assertThat(again.output()).contains("0 failed").doesNotContain("were not indexed");
            System.out.printf("ragstream up killed during an ingest, then the ingest again:%n%s", again.output());
        } finally {
            restarted.stop();
        }

        try (VectorStore store = new LuceneVectorStore(new LocalHome(data).index())) {
            Set<String> chunkIds = new HashSet<>();
            for (Path file : files) {
                String docId = Ids.docId(
                        LocalHome.TENANT,
                        "files",
                        file.toAbsolutePath().normalize().toUri().toString());
                List<ChunkRecord> chunks =
                        store.chunksOf(EmbedderConfig.defaults().collection(), docId);
                assertThat(chunks).as("the chunks of " + file).isNotEmpty();
                assertThat(chunks.stream().map(ChunkRecord::sequence).distinct())
                        .as("one version of " + file)
                        .hasSize(1);
                assertThat(chunks.stream().map(ChunkRecord::ordinal).sorted().toList())
                        .as("no gap in the ordinals of " + file)
                        .isEqualTo(java.util.stream.IntStream.range(0, chunks.size())
                                .boxed()
                                .toList());
                for (ChunkRecord chunk : chunks) {
                    assertThat(chunkIds.add(chunk.chunkId()))
                            .as("chunk id " + chunk.chunkId() + " once")
                            .isTrue();
                }
            }
        }
    }

    /** One `ragstream` command as its own JVM, its output in a file that the test reads as it grows. */
    private record Cli(Process process, Path log) {

        static Cli start(Path log, List<String> args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx1g",
                    "--enable-native-access=ALL-UNNAMED",
                    "-Dai.djl.offline=true",
                    "-cp",
                    System.getProperty("java.class.path"),
                    RagstreamCli.class.getName()));
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Cli(process, log);
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        void awaitOutput(String text, Duration within) {
            Awaitility.await(String.join(
                                    " ",
                                    process.info().arguments().map(List::of).orElse(List.of())) + " prints '" + text
                            + "'")
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive() && !output().contains(text)) {
                            throw new IllegalStateException("ended with " + process.exitValue() + ": " + output());
                        }
                        return output().contains(text);
                    });
        }

        int awaitExit(Duration within) throws InterruptedException {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + within);
            }
            return process.exitValue();
        }

        /** SIGKILL: no shutdown hook, no clean close. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM: the shutdown hook closes the pipeline cleanly. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
