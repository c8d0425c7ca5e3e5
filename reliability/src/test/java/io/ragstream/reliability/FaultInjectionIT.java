package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.status.StatusView;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.MilvusFixture;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariant under crashes: the chunker and the embedder run as child processes on a real broker and Milvus; while an
 * outside producer publishes creates, updates and deletes, a randomly chosen service is killed with SIGKILL at a random
 * moment and restarted, again and again. At the end the store must hold exactly the latest chunks of every live document.
 *
 * <p>Short form by default (CI); the long form: {@code -Dreliability.documents=10000 -Dreliability.trials=20}.
 */
class FaultInjectionIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final int DOCUMENTS = Integer.getInteger("reliability.documents", 120);
    private static final int TRIALS = Integer.getInteger("reliability.trials", 4);
    private static final long SEED = Long.getLong("reliability.seed", 20261122L);
    private static final Duration SETTLE = Duration.ofMinutes(Long.getLong("reliability.settle-minutes", 8));

    @TempDir
    Path dir;

    @Test
    void storeHoldsExactlyTheLatestChunksAfterServicesAreKilledAtRandom() throws Exception {
        kafka.createTopics(Topics.newTopics(2, (short) 1));
        String collection = milvus.uniqueCollection("reliability");
        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("RAGSTREAM_TOPICS_CREATE", "false");
        // A killed member's partitions move on after this, not the default 45 s.
        common.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        common.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1500");

        Map<String, String> chunkerEnv = new HashMap<>(common);
        chunkerEnv.put("RAGSTREAM_APPLICATION_ID", "reliability-chunker");
        chunkerEnv.put(
                "KAFKA_STATE_DIR",
                Files.createDirectories(dir.resolve("chunker-state")).toString());
        Map<String, String> embedderEnv = new HashMap<>(common);
        embedderEnv.put("RAGSTREAM_GROUP_ID", "reliability-embedder");
        embedderEnv.put("RAGSTREAM_COLLECTION", collection);
        embedderEnv.put("RAGSTREAM_HTTP_PORT", Integer.toString(freePort()));
        embedderEnv.put("RAGSTREAM_STORE_KIND", "milvus");
        embedderEnv.put("RAGSTREAM_STORE_MILVUS_URI", milvus.uri());

        Workload workload = Workload.generate(SEED, DOCUMENTS, TRIALS + 1);
        Random random = new Random(SEED);
        List<String> faults = new ArrayList<>();
        try (ChildService chunker = new ChildService(
                        "chunker", "io.ragstream.chunker.ChunkerMain", chunkerEnv, dir.resolve("chunker.log"));
                ChildService embedder = new ChildService(
                        "embedder", "io.ragstream.embedder.EmbedderMain", embedderEnv, dir.resolve("embedder.log"));
                KafkaProducer<String, byte[]> producer = producer();
                StatusView statuses = StatusView.start(kafka.consumerConfig("unused"));
                StoreAudit audit = new StoreAudit()) {
            chunker.start();
            embedder.start();
            List<ChildService> services = List.of(chunker, embedder);
            long start = System.nanoTime();
            for (int wave = 0; wave < workload.waves().size(); wave++) {
                publish(producer, workload.waves().get(wave));
                if (wave < TRIALS) {
                    // A random service dies at a random moment while the wave is being processed.
                    Thread.sleep(500 + random.nextInt(4_000));
                    ChildService victim = services.get(random.nextInt(services.size()));
                    victim.kill();
                    Thread.sleep(500 + random.nextInt(1_500));
                    victim.start();
                    faults.add(victim.name());
                    System.out.printf("reliability: wave %d published, kill -9 %s, restarted%n", wave, victim.name());
                }
            }
            long published = System.nanoTime();
            awaitSettled(statuses, workload, services);
            long settled = System.nanoTime();

            try (VectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty())) {
                StoreAudit.Result result = audit.audit(store, collection, "acme", workload.expected());
                System.out.printf(
                        """
                        reliability: %d documents, %d events, %d faults (%s), settled %.1f s after the last publish
                        | expected chunks | stored chunks | lost | stale | duplicate |
                        | %15d | %13d | %4d | %5d | %9d |
                        """,
                        workload.documents(),
                        workload.events(),
                        faults.size(),
                        String.join(", ", faults),
                        (settled - published) / 1e9,
                        result.expectedChunks(),
                        result.storedChunks(),
                        result.lost(),
                        result.stale(),
                        result.duplicate());
                assertThat(faults).hasSize(TRIALS);
                assertThat(result.expectedChunks()).isPositive();
                assertThat(result.lost()).as("lost chunks").isZero();
                assertThat(result.stale()).as("stale chunks").isZero();
                assertThat(result.duplicate()).as("duplicate chunks").isZero();
            }
            System.out.printf("reliability: whole run %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    /** Until every document's latest status is its last event's: indexed at its last version, or deleted. */
    private static void awaitSettled(StatusView statuses, Workload workload, List<ChildService> services)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> waiting = List.of();
        while (System.nanoTime() < deadline) {
            waiting = workload.expected().entrySet().stream()
                    .filter(e -> !settled(statuses.latest(e.getKey()), e.getValue()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (waiting.isEmpty()) {
                return;
            }
            for (ChildService service : services) {
                assertThat(service.alive())
                        .as(service.name() + " died on its own; see " + service.log())
                        .isTrue();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(waiting.size() + " documents did not reach their final state within " + SETTLE
                + ", e.g. " + waiting.subList(0, Math.min(5, waiting.size())));
    }

    private static boolean settled(Optional<DocumentStatus> status, Optional<RawDocument> expected) {
        if (status.isEmpty()) {
            return false;
        }
        if (expected.isEmpty()) {
            return status.get().stage() == DocumentStatus.Stage.DELETED;
        }
        return status.get().stage() == DocumentStatus.Stage.INDEXED
                && status.get().version().equals(Optional.of(expected.get().version()));
    }

    private static void publish(KafkaProducer<String, byte[]> producer, List<Workload.Event> events) {
        RawDocumentSerde serde = new RawDocumentSerde();
        for (Workload.Event event : events) {
            byte[] value = event.document()
                    .map(d -> serde.serialize(Topics.DOCS_RAW, d))
                    .orElse(null);
            producer.send(new ProducerRecord<>(Topics.DOCS_RAW, event.docId(), value));
        }
        producer.flush();
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> settings = new HashMap<>(kafka.producerConfig());
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
