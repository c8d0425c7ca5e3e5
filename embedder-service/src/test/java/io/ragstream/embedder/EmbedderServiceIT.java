package io.ragstream.embedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.config.TopicSetup;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.status.StatusView;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.ForwardingStore;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.SharedStore;
import io.ragstream.store.StoreChanges;
import io.ragstream.store.StoreUnavailableException;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedder on a real broker, into the embedded Lucene store and a real Milvus server. */
class EmbedderServiceIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final int PARTITIONS = 3;
    private static Embedder model;

    @TempDir
    Path luceneDir;

    @BeforeAll
    static void createTopicsAndLoadModel() {
        new TopicSetup(true, PARTITIONS, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        model = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void luceneStoreHoldsExactlyTheLatestChunksOf500DocumentsWithUpdatesAndDeletes() throws Exception {
        Traffic traffic = Traffic.mixed(11, 500, "lucene");
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "chunks");

        try (EmbedderService service = start(config, new LuceneVectorStore(luceneDir))) {
            publish(traffic.messages);
            awaitCaughtUp(config.groupId());
        }

        try (VectorStore store = new LuceneVectorStore(luceneDir)) {
            assertExactly(store, config.collection(), traffic);
        }
    }

    @Test
    void milvusHoldsExactlyTheLatestChunksOf500DocumentsWithUpdatesAndDeletes() throws Exception {
        Traffic traffic = Traffic.mixed(12, 500, "milvus");
        EmbedderConfig config = config(kafka.uniqueName("embedder"), milvus.uniqueCollection("chunks"));

        try (EmbedderService service = start(config, MilvusVectorStore.connect(milvus.uri(), Optional.empty()))) {
            publish(traffic.messages);
            awaitCaughtUp(config.groupId());
        }

        try (VectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty())) {
            assertExactly(store, config.collection(), traffic);
            List<SearchHit> hits = store.search(
                    config.collection(),
                    SearchRequest.dense(
                            model.embedQuery(
                                    traffic.messages.getFirst() instanceof io.ragstream.model.ChunkedDocument d
                                            ? d.chunks().getFirst().text()
                                            : "kafka"),
                            3,
                            SearchFilter.tenant("acme")));
            assertThat(hits).isNotEmpty();
        }
    }

    @Test
    void crashAtAnyPointOfABatchLosesNothingAndDuplicatesNothing() throws Exception {
        // Crash while embedding, during the store write, and after the writes but before the offsets are committed.
        String[] points = {"embed", "before-write", "after-write"};
        for (int round = 0; round < points.length; round++) {
            Traffic traffic = Traffic.mixed(20 + round, 150, "crash" + round);
            EmbedderConfig config = config(kafka.uniqueName("embedder"), "chunks");
            Path dir = luceneDir.resolve("round" + round);
            Crash crash = new Crash(points[round], 3);

            try (EmbedderService crashed =
                    start(config, crash.store(new LuceneVectorStore(dir)), crash.embedder(model))) {
                publish(traffic.messages);
                // The crash kills the loop thread on purpose: Awaitility must not report it as a failure.
                await().dontCatchUncaughtExceptions()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> !crashed.alive());
                // A service that does no more work says so, so that its launcher ends the process and it restarts.
                assertThat(crashed.stoppedOnItsOwn())
                        .succeedsWithin(Duration.ofSeconds(5))
                        .asString()
                        .contains("simulated crash at " + points[round]);
            }
            assertThat(crash.crashed())
                    .as("the %s crash happened", points[round])
                    .isTrue();

            EmbedderService restarted = start(config, new LuceneVectorStore(dir));
            try (restarted) {
                awaitCaughtUp(config.groupId());
            }
            assertThat(restarted.stoppedOnItsOwn())
                    .as("closed, not stopped on its own")
                    .isNotDone();
            try (VectorStore store = new LuceneVectorStore(dir)) {
                assertExactly(store, config.collection(), traffic);
            }
        }
    }

    @Test
    void milvusOutageIsRiddenOutAndNothingIsLost() throws Exception {
        Traffic traffic = Traffic.mixed(31, 200, "outage");
        int half = traffic.messages.size() / 2;
        EmbedderConfig config = config(kafka.uniqueName("embedder"), milvus.uniqueCollection("chunks"));
        HttpClient http = HttpClient.newHttpClient();

        try (EmbedderService service = start(config, MilvusVectorStore.connect(milvus.uri(), Optional.empty()))) {
            publish(traffic.messages.subList(0, half));
            awaitCaughtUp(config.groupId());

            milvus.stopServer();
            publish(traffic.messages.subList(half, traffic.messages.size()));
            await("readiness reports the outage")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> get(http, service, "/health/ready").statusCode() == 503);
            assertThat(get(http, service, "/health/live").statusCode()).isEqualTo(200);
            milvus.startServer();

            awaitCaughtUp(config.groupId());
            assertThat(get(http, service, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(http, service, "/metrics").body())
                    .contains("ragstream_chunks_embedded_total")
                    .containsPattern("ragstream_embedder_retries_total(\\{[^}]*})? [1-9]");
        }
        try (VectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty())) {
            assertExactly(store, config.collection(), traffic);
        }
    }

    @Test
    void secondInstanceJoiningMidStreamSharesTheWorkAndTheStoreEndsExact() throws Exception {
        Traffic traffic = Traffic.mixed(51, 300, "rebalance");
        int third = traffic.messages.size() / 3;
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "chunks");
        // Both instances write to one store (as they would to one Milvus); Lucene's store is thread-safe.
        try (LuceneVectorStore shared = new LuceneVectorStore(luceneDir)) {
            try (EmbedderService first = start(config, new SharedStore(shared))) {
                publish(traffic.messages.subList(0, third));
                try (EmbedderService second = start(config, new SharedStore(shared))) {
                    publish(traffic.messages.subList(third, traffic.messages.size()));
                    awaitCaughtUp(config.groupId());
                    assertThat(first.alive()).isTrue();
                    assertThat(second.alive()).isTrue();
                }
            }
            assertExactly(shared, config.collection(), traffic);
        }
    }

    @Test
    void poisonRecordGoesToTheDeadLetterTopicAndTheRecordsBehindItAreIndexed() throws Exception {
        Traffic traffic = Traffic.mixed(41, 30, "poison");
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "chunks");
        byte[] poison = "{\"op\":\"upsert\",\"docId\":".getBytes(StandardCharsets.UTF_8);

        try (EmbedderService service = start(config, new LuceneVectorStore(luceneDir))) {
            try (var producer =
                    new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.CHUNKS, "poison:1", poison))
                        .get();
            }
            publish(traffic.messages);
            awaitCaughtUp(config.groupId());
        }

        try (VectorStore store = new LuceneVectorStore(luceneDir)) {
            assertExactly(store, config.collection(), traffic);
        }
        try (var dlq = new KafkaConsumer<>(
                kafka.consumerConfig(kafka.uniqueName("dlq")), new StringDeserializer(), new ByteArrayDeserializer())) {
            dlq.subscribe(List.of(Topics.CHUNKS_DLQ));
            var dead = new java.util.ArrayList<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> "poison:1".equals(r.key()));
            });
            var record = dead.stream()
                    .filter(r -> "poison:1".equals(r.key()))
                    .findFirst()
                    .orElseThrow();
            assertThat(record.value()).isEqualTo(poison);
            DeadLetter reason = DeadLetter.readFrom(record.headers()).orElseThrow();
            assertThat(reason.stage()).isEqualTo("embedder");
            assertThat(reason.sourceTopic()).isEqualTo(Topics.CHUNKS);
            assertThat(reason.errorMessage()).contains("ChunkMessage");
        }
    }

    /**
     * A store that does not answer, then refuses what it took a moment ago (as a server busy with a compaction may), then
     * takes it: the loop must neither stay paused after the outage, which would stall every record behind the batch,
     * nor fail a document for good over a passing fault.
     */
    @Test
    void aRefusalAfterAnOutageNeitherStallsTheLoopNorFailsADocumentForAPassingFault() throws Exception {
        Traffic before = new Traffic(61, "refusal-a");
        Traffic after = new Traffic(62, "refusal-b");
        for (int i = 0; i < 10; i++) {
            before.upsert(i, 0);
            after.upsert(i, 0);
        }
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "refusals");
        AtomicInteger applies = new AtomicInteger();
        CountDownLatch refused = new CountDownLatch(1);
        VectorStore flaky = new ForwardingStore(new LuceneVectorStore(luceneDir)) {
            @Override
            public Set<String> apply(String collection, StoreChanges changes) {
                return switch (applies.incrementAndGet()) {
                    case 1 -> throw new StoreUnavailableException("test: the store does not answer", null);
                    case 2, 3 -> {
                        refused.countDown();
                        throw new IllegalStateException("test: the store refuses, for a moment");
                    }
                    default -> super.apply(collection, changes);
                };
            }
        };

        try (EmbedderService service = start(config, flaky)) {
            publish(before.messages);
            assertThat(refused.await(60, TimeUnit.SECONDS))
                    .as("the store was asked again after the outage")
                    .isTrue();
            publish(after.messages);
            awaitCaughtUp(config.groupId());
        }
        assertThat(applies.get()).as("writes tried, the refused ones included").isGreaterThan(3);
        try (VectorStore store = new LuceneVectorStore(luceneDir)) {
            assertExactly(store, config.collection(), before);
            assertExactly(store, config.collection(), after);
        }
    }

    /**
     * Status records the broker will not take (here: larger than the status topic allows for a while) must hold the
     * offsets back: the batch is read again until they are written, so no document is left without its status.
     */
    @Test
    void aBatchWhoseStatusesAreNotWrittenIsReadAgainAndNoStatusIsLost() throws Exception {
        Traffic traffic = new Traffic(71, "unsent");
        for (int i = 0; i < 5; i++) {
            traffic.upsert(i, 0);
        }
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "unsent");
        Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
        VectorStore counting = new ForwardingStore(new LuceneVectorStore(luceneDir)) {
            @Override
            public Set<String> apply(String collection, StoreChanges changes) {
                Set<String> superseded = super.apply(collection, changes);
                changes.documents().forEach(write -> writes.computeIfAbsent(write.docId(), d -> new AtomicInteger())
                        .incrementAndGet());
                return superseded;
            }
        };
        ConfigResource statusTopic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.STATUS);
        alterStatusTopic(statusTopic, AlterConfigOp.OpType.SET);
        try (EmbedderService service = start(config, counting);
                StatusView statuses = StatusView.start(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            try {
                publish(traffic.messages);
                await("a batch whose statuses were refused is read and written again")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> writes.values().stream().anyMatch(count -> count.get() > 1));
            } finally {
                alterStatusTopic(statusTopic, AlterConfigOp.OpType.DELETE);
            }
            awaitCaughtUp(config.groupId());
            for (ChunkMessage message : traffic.messages) {
                ChunkedDocument document = (ChunkedDocument) message;
                assertThat(statuses.awaitVersion(document.docId(), document.version(), Duration.ofSeconds(30))
                                .outcome())
                        .as("status of %s", document.docId())
                        .isEqualTo(StatusView.Outcome.INDEXED);
            }
        }
        try (VectorStore store = new LuceneVectorStore(luceneDir)) {
            assertExactly(store, config.collection(), traffic);
        }
    }

    /**
     * The zombie of the production-topology issue: instance A holds a batch with version 1 past max.poll.interval.ms
     * (a slow embedding endpoint), instance B takes the partition and writes version 2, then A's embedding returns. A
     * must not write version 1 over version 2 (on the code before sequences, it did: the store ended with version 1).
     */
    @Test
    void anInstanceWhoseBatchOutlivesItsPartitionsDoesNotWriteOverTheirNextOwner() throws Exception {
        Traffic traffic = new Traffic(81, "zombie");
        ChunkedDocument v1 = traffic.upsert(0, 0);
        ChunkedDocument v2 = traffic.upsert(0, 1);
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "zombie");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Embedder slow = new ForwardingEmbedder(model) {
            @Override
            public List<float[]> embed(List<String> texts, InputKind kind) {
                if (stalled.getCount() > 0) {
                    stalled.countDown();
                    awaitRelease(release);
                }
                return super.embed(texts, kind);
            }
        };
        VectorStore shared = new LuceneVectorStore(luceneDir);
        Map<String, String> impatient =
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "max.poll.interval.ms", "3000");
        try (EmbedderService a = EmbedderService.start(config, impatient, new SharedStore(shared), slow)) {
            publish(List.of(v1));
            assertThat(stalled.await(60, TimeUnit.SECONDS))
                    .as("A took version 1")
                    .isTrue();
            Thread.sleep(4_000); // past A's max.poll.interval.ms
            try (EmbedderService b = start(config, new SharedStore(shared))) {
                publish(List.of(v2));
                await("version 2 is written while A still holds version 1")
                        .atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .until(() -> shared.chunksOf(config.collection(), v2.docId()).stream()
                                .anyMatch(chunk -> chunk.version().equals(v2.version())));
                release.countDown();
                awaitCaughtUp(config.groupId());
                Thread.sleep(2_000); // time for a late write of A to land, if it were to happen
            }
        } finally {
            release.countDown();
        }
        assertExactly(shared, config.collection(), traffic);
        shared.close();
    }

    /**
     * With the cooperative assignor, and with the consumer group protocol, partitions are added to an instance without
     * revoking the ones it has. An instance that is waiting out a store outage with its partitions paused gets a new one
     * unpaused: its records must be read later, never dropped (and the offsets never committed past them).
     */
    @ParameterizedTest
    @ValueSource(strings = {"cooperative-sticky", "consumer-protocol"})
    void partitionsAssignedDuringAnOutageLoseNoRecord(String protocol) throws Exception {
        Traffic traffic = Traffic.mixed(91, 60, protocol);
        EmbedderConfig config = config(kafka.uniqueName("embedder"), "cooperative");
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        VectorStore outage = new ForwardingStore(new LuceneVectorStore(luceneDir)) {
            @Override
            public Set<String> apply(String collection, StoreChanges changes) {
                if (down.get()) {
                    throw new StoreUnavailableException("test: the store is down", null);
                }
                return super.apply(collection, changes);
            }
        };
        Map<String, String> rebalancing = protocol.equals("consumer-protocol")
                ? Map.of("group.protocol", "consumer")
                : Map.of(
                        "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        Map<String, String> settings = new HashMap<>(rebalancing);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        try (EmbedderService a = EmbedderService.start(config, settings, outage, new ForwardingEmbedder(model))) {
            Map<String, Object> other = new HashMap<>(kafka.consumerConfig(config.groupId()));
            other.putAll(rebalancing);
            other.put("enable.auto.commit", "false");
            try (var b = new KafkaConsumer<>(other, new StringDeserializer(), new ByteArrayDeserializer())) {
                b.subscribe(List.of(Topics.CHUNKS));
                await("B holds a partition").atMost(Duration.ofSeconds(60)).until(() -> {
                    b.poll(Duration.ofMillis(200));
                    return !b.assignment().isEmpty();
                });
                down.set(true);
                publish(traffic.messages);
                for (int i = 0; i < 10; i++) {
                    b.poll(Duration.ofMillis(200)); // B reads its records but never commits them
                }
            } // B leaves: its partitions move to A while A waits out the outage
            await("A holds every partition")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> kafka
                                    .admin()
                                    .describeConsumerGroups(List.of(config.groupId()))
                                    .all()
                                    .get()
                                    .get(config.groupId())
                                    .members()
                                    .stream()
                                    .mapToInt(member -> member.assignment()
                                            .topicPartitions()
                                            .size())
                                    .sum()
                            == PARTITIONS);
            Thread.sleep(2_000); // A polls, paused, through the outage with its new partition
            down.set(false);
            awaitCaughtUp(config.groupId());
        }
        try (VectorStore store = new LuceneVectorStore(luceneDir)) {
            assertExactly(store, config.collection(), traffic);
        }
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the status topic's largest record below any status record, or removes that setting again. */
    private static void alterStatusTopic(ConfigResource topic, AlterConfigOp.OpType op) throws Exception {
        AlterConfigOp change = new AlterConfigOp(new ConfigEntry("max.message.bytes", "64"), op);
        kafka.admin()
                .incrementalAlterConfigs(Map.of(topic, List.of(change)))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    private EmbedderConfig config(String groupId, String collection) throws Exception {
        startAtEnd(groupId);
        EmbedderConfig defaults = EmbedderConfig.defaults();
        return new EmbedderConfig(
                groupId,
                collection,
                0,
                new TopicSetup(false, PARTITIONS, (short) 1),
                new EmbedderConfig.Batching(32, 100, 8, 100, 1_000, 2, 10_000),
                defaults.store(),
                defaults.model(),
                defaults.endpoint());
    }

    private static EmbedderService start(EmbedderConfig config, VectorStore store) {
        return start(config, store, model);
    }

    private static EmbedderService start(EmbedderConfig config, VectorStore store, Embedder embedder) {
        return EmbedderService.start(
                config, Map.of("bootstrap.servers", kafka.bootstrapServers()), store, new ForwardingEmbedder(embedder));
    }

    /** Commits the group at the end of the topic, so it reads only what the test publishes next. */
    private static void startAtEnd(String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        endOffsets().forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        kafka.admin().alterConsumerGroupOffsets(groupId, offsets).all().get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(Topics.CHUNKS, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (var entry : kafka.admin().listOffsets(request).all().get().entrySet()) {
            ListOffsetsResult.ListOffsetsResultInfo info = entry.getValue();
            ends.put(entry.getKey(), info.offset());
        }
        return ends;
    }

    /** Waits until the group has committed every record on the topic: all of it is in the store. */
    private static void awaitCaughtUp(String groupId) {
        await("embedder group " + groupId + " committed everything")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<TopicPartition, Long> ends = endOffsets();
                    var committed = kafka.admin()
                            .listConsumerGroupOffsets(groupId)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    return ends.entrySet().stream()
                            .allMatch(end -> committed.get(end.getKey()) != null
                                    && committed.get(end.getKey()).offset() >= end.getValue());
                });
    }

    private static void publish(List<ChunkMessage> messages) {
        try (var producer =
                new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new ChunkMessageSerde())) {
            messages.forEach(m -> producer.send(new ProducerRecord<>(Topics.CHUNKS, m.docId(), m)));
        }
    }

    private static void assertExactly(VectorStore store, String collection, Traffic traffic) {
        long total = 0;
        for (var entry : traffic.expected.entrySet()) {
            assertThat(store.chunksOf(collection, entry.getKey()))
                    .as("chunks of %s", entry.getKey())
                    .extracting(ChunkRecord::chunkId)
                    .containsExactlyElementsOf(entry.getValue());
            total += entry.getValue().size();
        }
        SearchFilter ours = SearchFilter.tenant("acme").withDocIds(traffic.expected.keySet());
        assertThat(store.count(collection, ours))
                .as("no duplicates, nothing extra")
                .isEqualTo(total);
    }

    private static HttpResponse<String> get(HttpClient http, EmbedderService service, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A simulated process death: an Error, which the service must not catch, thrown at the chosen point. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    /** Wraps the real store and model and kills the loop at the n-th call of one kind. */
    private static final class Crash {
        private final String point;
        private final int at;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile boolean crashed;

        Crash(String point, int at) {
            this.point = point;
            this.at = at;
        }

        boolean crashed() {
            return crashed;
        }

        private void maybeCrash(String call) {
            if (call.equals(point) && calls.incrementAndGet() == at) {
                crashed = true;
                throw new SimulatedCrash(point);
            }
        }

        Embedder embedder(Embedder real) {
            return new ForwardingEmbedder(real) {
                @Override
                public List<float[]> embed(List<String> texts, InputKind kind) {
                    maybeCrash("embed");
                    return super.embed(texts, kind);
                }
            };
        }

        VectorStore store(VectorStore real) {
            return new ForwardingStore(real) {
                @Override
                public Set<String> apply(String collection, StoreChanges changes) {
                    maybeCrash("before-write");
                    Set<String> superseded = super.apply(collection, changes);
                    maybeCrash("after-write"); // the write is durable, the offsets are not yet committed
                    return superseded;
                }
            };
        }
    }
}
