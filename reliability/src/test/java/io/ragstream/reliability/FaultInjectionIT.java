package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.Topics;
import io.ragstream.status.StatusView;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.MilvusFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
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
        Path logs = Harness.logs("fault-injection");
        Map<String, String> common = Harness.common(kafka.bootstrapServers());

        Workload workload = Workload.generate(SEED, DOCUMENTS, TRIALS + 1);
        Random random = new Random(SEED);
        List<String> faults = new ArrayList<>();
        try (ChildService chunker = Harness.chunker(common, dir, logs);
                ChildService embedder = Harness.embedder(common, logs, milvus.uri(), collection);
                KafkaProducer<String, byte[]> producer = Harness.producer(kafka.bootstrapServers());
                StatusView statuses = StatusView.start(kafka.consumerConfig("unused"));
                StoreAudit audit = new StoreAudit()) {
            chunker.start();
            embedder.start();
            List<ChildService> services = List.of(chunker, embedder);
            long start = System.nanoTime();
            for (int wave = 0; wave < workload.waves().size(); wave++) {
                Harness.publish(producer, workload.waves().get(wave));
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
            Harness.awaitSettled(kafka.bootstrapServers(), statuses, workload, services, SETTLE);
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
}
