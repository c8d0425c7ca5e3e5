package io.ragstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import io.ragstream.config.TopicSetup;
import io.ragstream.testkit.KafkaFixture;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ragstream ingest` when the pipeline behind it stops: an earlier run's documents, and a broker that goes away. */
class IngestAndWaitIT {

    @TempDir
    Path dir;

    /**
     * An ingest interrupted before its documents were searchable, then run again, printed "done: 0 documents indexed, 2
     * unchanged" at once, while the two were still on their way: "waits until searchable" held only for what a run sent
     * itself. Here no chunker runs at first, so the documents stay in flight.
     */
    @Test
    void anIngestRunAgainWaitsForWhatAnEarlierRunSentUntilItIsSearchable() throws Exception {
        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        try {
            new TopicSetup(true, 2, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            LocalHome home = new LocalHome(dir.resolve("home"));
            Path folder = Files.createDirectories(dir.resolve("notes"));
            Files.writeString(folder.resolve("espresso.txt"), "Descale an espresso machine every month.");
            Files.writeString(folder.resolve("grinder.txt"), "Clean the burr grinder every week.");

            Output first = new Output();
            IngestAndWait.Summary interrupted = new IngestAndWait(home, kafka.bootstrapServers(), first.stream)
                    .run(folder.toString(), List.of(), Duration.ofSeconds(2));
            assertThat(interrupted.pending()).as(first.text()).isEqualTo(2);

            Output second = new Output();
            IngestAndWait.Summary again = new IngestAndWait(home, kafka.bootstrapServers(), second.stream)
                    .run(folder.toString(), List.of(), Duration.ofSeconds(3));

            assertThat(again.pending()).as(second.text()).isEqualTo(2);
            assertThat(second.text())
                    .contains("sent 0 documents")
                    .contains("waiting for 2 (2 sent by an earlier run)")
                    .contains("2 documents were not indexed within PT3S");

            try (LocalPipeline pipeline =
                    LocalPipeline.start(LocalPipeline.Settings.onFreePorts(home, kafka.bootstrapServers()))) {
                Output third = new Output();
                IngestAndWait.Summary done = new IngestAndWait(home, kafka.bootstrapServers(), third.stream)
                        .run(folder.toString(), List.of(), Duration.ofMinutes(3));

                // The chunker may be done with them before this run looks: then they are unchanged and settled.
                assertThat(done.pending()).as(third.text()).isZero();
                assertThat(done.indexed() + done.unchanged()).as(third.text()).isEqualTo(2);
                assertThat(done.failed()).as(third.text()).isZero();
            }
        } finally {
            kafka.stop();
        }
    }

    /** The broker an ingest waited on was killed: it went on printing "waiting for 1" with no error until its timeout. */
    @Test
    void anIngestWhoseBrokerGoesAwayEndsWithAClearMessage() throws Exception {
        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        boolean stopped = false;
        try {
            new TopicSetup(true, 2, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            LocalHome home = new LocalHome(dir.resolve("home"));
            Path note = Files.writeString(dir.resolve("kettle.txt"), "Descale the kettle with citric acid.");
            Output output = new Output();
            CompletableFuture<IngestAndWait.Summary> ingest = CompletableFuture.supplyAsync(() -> {
                try {
                    return new IngestAndWait(home, kafka.bootstrapServers(), output.stream)
                            .run(note.toString(), List.of(), Duration.ofMinutes(10));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> output.text().contains("waiting for 1"));
            String bootstrap = kafka.bootstrapServers();

            kafka.stop();
            stopped = true;

            IngestAndWait.Summary summary = ingest.get(90, TimeUnit.SECONDS);
            assertThat(summary.brokerLost()).as(output.text()).isTrue();
            assertThat(summary.pending()).isEqualTo(1);
            assertThat(output.text())
                    .contains("lost the broker at " + bootstrap)
                    .contains("run the same ingest again to wait for them");
        } finally {
            if (!stopped) {
                kafka.stop();
            }
        }
    }

    /**
     * A crawl whose links led to pages that answered 404 printed "done: ... 0 failed" and "5 failed to send": the pages
     * were counted, but neither named nor counted as failed in the summary, and the command exited 0.
     */
    @Test
    void pagesThatCannotBeFetchedAreNamedWithTheirReasonAndCountedAsFailed() throws Exception {
        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(
                site.resolve("index.html"),
                "<html><head><title>Kettles</title></head><body><p>Descale the kettle with citric acid.</p>"
                        + "<a href=\"gone.html\">an old page</a></body></html>");
        HttpServer server = SimpleFileServer.createFileServer(
                new InetSocketAddress("127.0.0.1", 0), site, SimpleFileServer.OutputLevel.NONE);
        server.start();
        try {
            new TopicSetup(true, 2, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            String root = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Output output = new Output();

            IngestAndWait.Summary summary = new IngestAndWait(
                            new LocalHome(dir.resolve("home")), kafka.bootstrapServers(), output.stream)
                    .run(root + "index.html", List.of("127.0.0.1/32"), Duration.ofSeconds(2));

            assertThat(summary.failed()).as(output.text()).isEqualTo(1);
            assertThat(output.text())
                    .contains("failed " + root + "gone.html: HTTP 404")
                    .contains("1 failed");
        } finally {
            server.stop(0);
            kafka.stop();
        }
    }
}
