package io.ragstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher as a newcomer uses it: {@code up} on a fresh data directory loads the samples and answers, a restart
 * finds its data, and {@code ingest}, {@code query} and {@code status} work against the running pipeline.
 */
class RagstreamCliIT {

    static {
        // The broker and the services log at info; the test's own output is what matters here.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    @TempDir
    Path dir;

    @Test
    void firstStartAnswersFromTheSamplesAndARestartKeepsTheData() throws Exception {
        Path corpus = Path.of(System.getProperty("user.dir")).getParent().resolve("samples/corpus");
        Path samples = Files.createDirectories(dir.resolve("samples"));
        Files.copy(corpus.resolve("en/log-compaction.md"), samples.resolve("log-compaction.md"));
        Files.copy(corpus.resolve("en/kafka-retention.pdf"), samples.resolve("kafka-retention.pdf"));
        Files.copy(corpus.resolve("ko/rag-overview.md"), samples.resolve("rag-overview.md"));
        Path data = dir.resolve("data");
        List<String> ports = ports();

        Run first = run(List.of(
                "up",
                "--data-dir",
                data.toString(),
                "--samples",
                samples.toString(),
                "--exit-after-demo",
                "--kafka-port",
                ports.get(0),
                "--query-port",
                ports.get(1),
                "--ingest-port",
                ports.get(2),
                "--embedder-port",
                ports.get(3)));

        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output)
                .contains("ragstream is up")
                .contains("sent 3 documents")
                .contains("done: 3 documents indexed")
                .contains("0 failed")
                .containsPattern("1\\. [0-9.]+ +log-compaction.md");

        LocalHome home = new LocalHome(data);
        try (LocalPipeline pipeline = LocalPipeline.start(new LocalPipeline.Settings(
                home,
                Optional.empty(),
                Integer.parseInt(ports.get(0)),
                Optional.empty(),
                Integer.parseInt(ports.get(1)),
                Integer.parseInt(ports.get(2)),
                Integer.parseInt(ports.get(3)),
                2))) {
            home.writeEndpoints(new LocalHome.Endpoints(
                    pipeline.bootstrapServers(),
                    "http://127.0.0.1:" + pipeline.queryPort(),
                    "http://127.0.0.1:" + pipeline.ingestPort()));
            Run query = run(List.of("query", "--data-dir", data.toString(), "검색 증강 생성은 무엇인가요?", "--top-k", "1"));
            assertThat(query.output).as("the data survived the restart").contains("rag-overview.md");

            Path note = Files.writeString(dir.resolve("espresso.txt"), "Descale an espresso machine every month.");
            Run ingest = run(List.of("ingest", "--data-dir", data.toString(), note.toString()));
            assertThat(ingest.exit).as(ingest.output).isZero();
            assertThat(ingest.output).contains("done: 1 documents indexed (1 chunks), 0 deleted, 0 failed");

            Run context = run(List.of(
                    "query", "--data-dir", data.toString(), "How often to descale the espresso machine?", "--context"));
            assertThat(context.output).contains("[1]").contains("Descale an espresso machine every month.");

            Run status = run(List.of("status", "--data-dir", data.toString()));
            assertThat(status.exit).as(status.output).isZero();
            assertThat(status.output)
                    .containsPattern("ragstream.docs.raw +4")
                    .containsPattern("indexed +4")
                    .containsPattern("failed +0");
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new RagstreamCli()).execute(args.toArray(String[]::new));
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private static List<String> ports() {
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ports.add(Integer.toString(EmbeddedKafka.freePort()));
        }
        return ports;
    }
}
