package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.status.StatusView;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.MilvusFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production shape: two chunker and three embedder instances (child processes sharing their application and group
 * ids), a cluster of three Kafka nodes (replication factor 3, {@code min.insync.replicas=2}) and a standalone Milvus
 * server, with every fault at once: instances killed with SIGKILL, an embedder frozen with SIGSTOP past
 * {@code max.poll.interval.ms} and thawed mid-batch (a zombie), an embedding endpoint that stalls a batch past the poll
 * interval, the leader of a {@code chunks} partition killed, Milvus restarted, documents updated several times within a
 * second, and older versions published again after newer ones. Meanwhile a sampler searches continuously and counts any
 * result that holds two versions of one document. At the end the store is audited against the event log.
 *
 * <p>Embeddings come from {@link EmbeddingStandIn} (a stand-in that costs no CPU), so the test measures the pipeline.
 * Short form by default (CI); the long form: {@code -Dreliability.documents=2000 -Dreliability.trials=12}.
 */
class ProductionTopologyIT {

    @RegisterExtension
    static final MilvusFixture milvus = MilvusFixture.standalone();

    private static final int DOCUMENTS = Integer.getInteger("reliability.documents", 80);
    private static final int TRIALS = Integer.getInteger("reliability.trials", 5);
    private static final long SEED = Long.getLong("reliability.seed", 20261206L);
    private static final Duration SETTLE = Duration.ofMinutes(Long.getLong("reliability.settle-minutes", 8));
    /** Short, so that a frozen instance or a stalled batch outlives it within a short test. */
    private static final int MAX_POLL_INTERVAL_MS = 8_000;

    @TempDir
    Path dir;

    @Test
    void storeHoldsExactlyTheLatestVersionsThroughReplicasAKafkaClusterAndAMilvusServer() throws Exception {
        Path logs = Harness.logs("production-topology");
        String collection = milvus.uniqueCollection("production");
        Random random = new Random(SEED);
        Map<String, Integer> faults = new HashMap<>();
        try (KafkaCluster kafka = KafkaCluster.start(3, dir, logs);
                EmbeddingStandIn model = EmbeddingStandIn.start()) {
            try (Admin admin = kafka.admin()) {
                List<NewTopic> topics = new ArrayList<>();
                for (NewTopic topic : Topics.newTopics(6, (short) 3)) {
                    Map<String, String> configs = new HashMap<>(topic.configs());
                    configs.put("min.insync.replicas", "2");
                    topics.add(topic.configs(configs));
                }
                admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            }
            Map<String, String> common = Harness.common(kafka.bootstrapServers());
            Map<String, String> embedderSettings = Map.of(
                    "RAGSTREAM_ENDPOINT_BASE_URL", model.baseUrl(),
                    "RAGSTREAM_ENDPOINT_MODEL", EmbeddingStandIn.MODEL,
                    "KAFKA_MAX_POLL_INTERVAL_MS", Integer.toString(MAX_POLL_INTERVAL_MS));
            List<ChildService> chunkers = new ArrayList<>();
            List<ChildService> embedders = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                chunkers.add(Harness.chunker("chunker-" + i, common, dir, logs));
            }
            for (int i = 1; i <= 3; i++) {
                embedders.add(
                        Harness.embedder("embedder-" + i, common, logs, milvus.uri(), collection, embedderSettings));
            }
            List<ChildService> services = new ArrayList<>(chunkers);
            services.addAll(embedders);
            Workload workload = Workload.generate(SEED, DOCUMENTS, TRIALS);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Sampler sampler = new Sampler(milvus.uri(), collection, sampling);
            Thread samplerThread = Thread.ofPlatform().name("sampler").start(sampler);
            try (KafkaProducer<String, byte[]> producer = Harness.producer(kafka.bootstrapServers());
                    StatusView statuses = StatusView.start(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                    StoreAudit audit = new StoreAudit()) {
                services.forEach(ChildService::start);
                // Every instance up before the first wave, so that the first kill lands mid-work on any machine, not
                // in a start-up that a slower machine has not finished.
                for (ChildService service : services) {
                    service.awaitLogged(" started model=", Duration.ofMinutes(2));
                }
                long start = System.nanoTime();
                List<List<Workload.Event>> waves = new ArrayList<>(workload.waves());
                // In the order published: bursts and stale versions go out between the generated waves.
                List<List<Workload.Event>> publishedWaves = new ArrayList<>();
                for (int wave = 0; wave < waves.size(); wave++) {
                    Harness.publish(producer, waves.get(wave));
                    publishedWaves.add(waves.get(wave));
                    String fault =
                            switch (wave % 5) {
                                case 0 -> killAnInstance(services, random);
                                case 1 -> freezeAnEmbedder(embedders, random);
                                case 2 -> stallABatch(model, producer, workload, publishedWaves);
                                case 3 -> killALeader(kafka, random);
                                default -> restartMilvus();
                            };
                    faults.merge(fault, 1, Integer::sum);
                    System.out.printf("production topology: wave %d published, %s%n", wave, fault);
                }
                List<Workload.Event> stale = workload.stale(Math.max(1, DOCUMENTS / 10));
                Harness.publish(producer, stale);
                publishedWaves.add(stale);
                Map<String, Optional<RawDocument>> expected = Workload.stateAfter(publishedWaves);
                System.out.println("production topology: older versions of some documents published again");
                long published = System.nanoTime();
                Harness.awaitSettled(kafka.bootstrapServers(), statuses, expected, services, SETTLE);
                long settled = System.nanoTime();
                Thread.sleep(3_000); // a late write of a zombie, were one to land, lands before the audit
                sampling.set(false);
                samplerThread.join(30_000);

                try (VectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty())) {
                    StoreAudit.Result result = audit.audit(store, collection, "acme", expected);
                    System.out.printf(
                            """
                            production topology: %d documents, %d events in %.0f s, settled %.1f s after the last publish
                            | instances | kills | stops | stalls | broker kills | Milvus restarts | expected chunks | stored chunks | lost | stale | duplicate | searches | mixed-version reads |
                            | %-9s | %5d | %5d | %6d | %12d | %15d | %15d | %13d | %4d | %5d | %9d | %8d | %19d |
                            """,
                            workload.documents(),
                            workload.events(),
                            (published - start) / 1e9,
                            (settled - published) / 1e9,
                            "2c+3e+3k",
                            faults.getOrDefault("kill", 0),
                            faults.getOrDefault("stop", 0),
                            model.stalls(),
                            faults.getOrDefault("broker", 0),
                            faults.getOrDefault("milvus", 0),
                            result.expectedChunks(),
                            result.storedChunks(),
                            result.lost(),
                            result.stale(),
                            result.duplicate(),
                            sampler.searches.get(),
                            sampler.mixed.get());
                    assertThat(result.expectedChunks()).isPositive();
                    assertThat(sampler.searches.get())
                            .as("searches the sampler made")
                            .isPositive();
                    assertThat(result.lost()).as("lost chunks").isZero();
                    assertThat(result.stale()).as("stale chunks").isZero();
                    assertThat(result.duplicate()).as("duplicate chunks").isZero();
                    assertThat(sampler.mixed.get())
                            .as("results holding two versions of a document")
                            .isZero();
                }
            } finally {
                sampling.set(false);
                services.forEach(ChildService::close);
            }
        }
    }

    private static String killAnInstance(List<ChildService> services, Random random) throws InterruptedException {
        sleep(500 + random.nextInt(2_000));
        ChildService victim = services.get(random.nextInt(services.size()));
        victim.kill();
        sleep(500 + random.nextInt(1_000));
        victim.start();
        System.out.printf("production topology: kill -9 %s, restarted%n", victim.name());
        return "kill";
    }

    /** SIGSTOP past the poll interval and the session timeout: its partitions move; SIGCONT: it wakes mid-batch. */
    private static String freezeAnEmbedder(List<ChildService> embedders, Random random) throws Exception {
        sleep(300 + random.nextInt(700));
        ChildService frozen = embedders.get(random.nextInt(embedders.size()));
        frozen.pause();
        sleep(MAX_POLL_INTERVAL_MS + 4_000);
        frozen.resume();
        System.out.printf(
                "production topology: kill -STOP %s for %d s, then kill -CONT%n",
                frozen.name(), (MAX_POLL_INTERVAL_MS + 4_000) / 1000);
        return "stop";
    }

    private static String stallABatch(
            EmbeddingStandIn model,
            KafkaProducer<String, byte[]> producer,
            Workload workload,
            List<List<Workload.Event>> published)
            throws InterruptedException {
        model.stallNextBatch(Duration.ofMillis(MAX_POLL_INTERVAL_MS + 4_000));
        List<Workload.Event> burst = workload.burst(Math.max(2, DOCUMENTS / 20), 3);
        Harness.publish(producer, burst);
        published.add(burst);
        sleep(MAX_POLL_INTERVAL_MS + 5_000);
        return "stall";
    }

    private static String killALeader(KafkaCluster kafka, Random random) throws Exception {
        int leader = kafka.leaderOf(Topics.CHUNKS, random.nextInt(6));
        kafka.kill(leader);
        sleep(4_000);
        kafka.restart(leader);
        System.out.printf("production topology: kill -9 Kafka node %d (a chunks leader), restarted%n", leader);
        return "broker";
    }

    private static String restartMilvus() throws Exception {
        milvus.stopServer();
        sleep(2_000);
        milvus.startServer();
        return "milvus";
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** Searches the collection as an LLM app would, and counts results that hold two versions of one document. */
    private static final class Sampler implements Runnable {
        private final String uri;
        private final String collection;
        private final AtomicBoolean running;
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger mixed = new AtomicInteger();

        Sampler(String uri, String collection, AtomicBoolean running) {
            this.uri = uri;
            this.collection = collection;
            this.running = running;
        }

        @Override
        public void run() {
            Random random = new Random(7);
            VectorStore store = null;
            while (running.get()) {
                try {
                    if (store == null) {
                        store = MilvusVectorStore.connect(uri, Optional.empty());
                    }
                    float[] query = EmbeddingStandIn.vector("sample " + random.nextInt());
                    List<SearchHit> hits =
                            store.search(collection, SearchRequest.dense(query, 20, SearchFilter.tenant("acme")));
                    searches.incrementAndGet();
                    Map<String, Set<Long>> sequences = new HashMap<>();
                    for (SearchHit hit : hits) {
                        sequences
                                .computeIfAbsent(hit.chunk().docId(), docId -> new HashSet<>())
                                .add(hit.chunk().sequence());
                    }
                    if (sequences.values().stream().anyMatch(seen -> seen.size() > 1)) {
                        mixed.incrementAndGet();
                    }
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // The collection is not there yet, or Milvus is restarting: sample again in a moment.
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (store != null) {
                store.close();
            }
        }
    }
}
