package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.Topics;
import io.ragstream.status.StatusView;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.MilvusFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages of what the pipeline depends on: Milvus is down when the embedder starts, then stops answering for a while
 * mid-run, then the Kafka broker (a child process, {@code ragstream broker}) is killed and restarted, all while documents
 * keep coming. Nothing may be lost; the backlog
 * drains once the dependency is back, and the time that takes is printed.
 *
 * <p>Short form by default (CI): Milvus down 25 s at start-up (past the store's 10 s connect timeout, so the embedder
 * retries) and 15 s mid-run; the long form: {@code -Dreliability.milvus-outage-seconds=60}.
 */
class OutageIT {

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final int DOCUMENTS = Integer.getInteger("reliability.documents", 120);
    private static final long MILVUS_OUTAGE_SECONDS = Long.getLong("reliability.milvus-outage-seconds", 15);
    /** Longer than the store's 10 s connect timeout, so the embedder's start-up retries are exercised too. */
    private static final long MILVUS_DOWN_AT_START_SECONDS =
            Long.getLong("reliability.milvus-down-at-start-seconds", 25);

    private static final Duration SETTLE = Duration.ofMinutes(Long.getLong("reliability.settle-minutes", 8));

    @TempDir
    Path dir;

    @Test
    void backlogDrainsAfterMilvusAndKafkaOutagesAndNothingIsLost() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                milvus.canStopServer(), "this Milvus cannot be stopped by the test (MILVUS_URI)");
        int port = Harness.freePort();
        String bootstrap = "127.0.0.1:" + port;
        ChildService broker = new ChildService(
                "broker",
                "io.ragstream.cli.RagstreamCli",
                List.of("broker", "--data-dir", dir.resolve("broker").toString(), "--port", Integer.toString(port)),
                Map.of(),
                Harness.logs("outage").resolve("broker.log"));
        broker.start();
        awaitBroker(bootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(Topics.newTopics(2, (short) 1)).all().get(60, TimeUnit.SECONDS);
        }
        String collection = milvus.uniqueCollection("outage");
        Path logs = Harness.logs("outage");
        Map<String, String> common = Harness.common(bootstrap);
        Workload workload = Workload.generate(42, DOCUMENTS, 3);

        try (broker;
                ChildService chunker = Harness.chunker(common, dir, logs);
                ChildService embedder = Harness.embedder(common, logs, milvus.uri(), collection);
                KafkaProducer<String, byte[]> producer = Harness.producer(bootstrap);
                StatusView statuses = StatusView.start(Map.of("bootstrap.servers", bootstrap));
                StoreAudit audit = new StoreAudit()) {
            // Milvus is down when the embedder starts: it must wait for it, not exit.
            milvus.stopServer();
            chunker.start();
            embedder.start();
            List<ChildService> services = List.of(chunker, embedder);
            Harness.publish(producer, workload.waves().get(0));
            Thread.sleep(Duration.ofSeconds(MILVUS_DOWN_AT_START_SECONDS).toMillis());
            assertThat(embedder.alive())
                    .as("the embedder waits for a store that is down at start-up")
                    .isTrue();
            awaitLogLine(embedder, "the store does not answer at start-up");
            milvus.startServer();
            Harness.awaitSettled(bootstrap, statuses, workload.upTo(1), services, SETTLE);
            System.out.println("outage: the embedder started while Milvus was down, waited, and indexed wave 0");

            milvus.stopServer();
            System.out.printf("outage: Milvus stopped for %d s while wave 1 is published%n", MILVUS_OUTAGE_SECONDS);
            Harness.publish(producer, workload.waves().get(1));
            Thread.sleep(Duration.ofSeconds(MILVUS_OUTAGE_SECONDS).toMillis());
            milvus.startServer();
            long milvusBack = System.nanoTime();
            Workload firstTwo = workload.upTo(2);
            Harness.awaitSettled(bootstrap, statuses, firstTwo, services, SETTLE);
            double milvusRecovery = (System.nanoTime() - milvusBack) / 1e9;
            System.out.printf("outage: backlog drained %.1f s after Milvus came back%n", milvusRecovery);

            broker.kill();
            System.out.println("outage: Kafka broker killed (SIGKILL); restarting it");
            Thread.sleep(2_000);
            broker.start();
            long brokerBack = System.nanoTime();
            Harness.publish(producer, workload.waves().get(2));
            Harness.awaitSettled(bootstrap, statuses, workload, services, SETTLE);
            double brokerRecovery = (System.nanoTime() - brokerBack) / 1e9;

            try (VectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty())) {
                StoreAudit.Result result = audit.audit(store, collection, "acme", workload.expected());
                System.out.printf(
                        """
                        outage: %d documents, %d events; Milvus down %d s, recovered in %.1f s; broker killed and \
                        restarted, the last wave settled %.1f s after the restart
                        | expected chunks | stored chunks | lost | stale | duplicate |
                        | %15d | %13d | %4d | %5d | %9d |
                        """,
                        workload.documents(),
                        workload.events(),
                        MILVUS_OUTAGE_SECONDS,
                        milvusRecovery,
                        brokerRecovery,
                        result.expectedChunks(),
                        result.storedChunks(),
                        result.lost(),
                        result.stale(),
                        result.duplicate());
                assertThat(result.expectedChunks()).isPositive();
                assertThat(result.lost()).as("lost chunks").isZero();
                assertThat(result.stale()).as("stale chunks").isZero();
                assertThat(result.duplicate()).as("duplicate chunks").isZero();
            }
        }
    }

    private static void awaitLogLine(ChildService service, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!java.nio.file.Files.exists(service.log())
                || !java.nio.file.Files.readString(service.log(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains(line)) {
            assertThat(System.nanoTime())
                    .as("%s logged '%s' within 120 s", service.name(), line)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static void awaitBroker(String bootstrap) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 2000))) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not start within 90 s", notYet);
                }
                Thread.sleep(500);
            }
        }
    }
}
