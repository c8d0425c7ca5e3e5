package io.ragstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.chunker.ChunkerService;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.embedder.EmbedderService;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.status.StatusView;
import io.ragstream.store.StoreConfig;
import io.ragstream.store.VectorStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs a BEIR data set through the real pipeline and scores what the query API answers. Every corpus document goes to
 * {@code docs.raw} as a {@link RawDocument}; the chunker and the embedder, started in this JVM from their configuration
 * records as their mains start them, index it into a fresh store; the status topic says when each document is indexed;
 * then every judged query is sent to {@code POST /v1/search} over HTTP in each mode.
 *
 * <p>The query service starts once the embedder has stopped: an embedded Lucene index has one writer, and the query
 * service opens its own store from its configuration, as {@code QueryMain} does.
 */
final class QualityHarness {

    static final String TENANT = "bench";
    static final String SOURCE = "beir";
    /** The most hits the query API gives by default ({@code limits.max-top-k}); recall@100 needs all of them. */
    static final int TOP_K = 100;

    private static final String API_KEY = "bench-quality-0123456789";
    private static final int PARTITIONS = 3;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What to measure.
     *
     * @param store {@code lucene} (a fresh index in a temporary directory) or {@code milvus} (a fresh collection)
     * @param milvusUri the Milvus to use when {@code store} is {@code milvus}
     * @param modes the search modes to score: {@code dense}, {@code hybrid}
     * @param stallTimeout how long ingestion may go without a single document finishing before the run fails
     */
    record Settings(String store, Optional<String> milvusUri, List<String> modes, Duration stallTimeout) {
        Settings {
            modes = List.copyOf(modes);
        }
    }

    /**
     * The scores of one search mode.
     *
     * @param refused the queries the API did not answer with 200, with its status and message; they score 0
     */
    record ModeResult(String mode, RetrievalMetrics.Scores scores, List<String> refused) {
        ModeResult {
            refused = List.copyOf(refused);
        }
    }

    /**
     * What one store measured.
     *
     * @param ingest from the first record published to the last document indexed
     * @param failures documents whose status is {@code failed}, with the reason
     */
    record Result(
            String store, int documents, long chunks, List<String> failures, Duration ingest, List<ModeResult> modes) {
        Result {
            failures = List.copyOf(failures);
            modes = List.copyOf(modes);
        }

        Optional<ModeResult> mode(String name) {
            return modes.stream().filter(m -> m.mode().equals(name)).findFirst();
        }
    }

    private record Ingested(long chunks, List<String> failures, Duration took) {}

    private QualityHarness() {}

    /** Ingests {@code data} through the pipeline on the given Kafka, then scores every mode of {@code settings}. */
    static Result run(String bootstrapServers, BeirDataset data, Settings settings, PrintStream out)
            throws IOException, InterruptedException {
        Map<String, String> kafka = Map.of("bootstrap.servers", bootstrapServers);
        TopicSetup topics = new TopicSetup(true, PARTITIONS, (short) 1);
        topics.apply(kafka);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String chunkerApp = "bench-quality-chunker-" + run;
        String embedderGroup = "bench-quality-embedder-" + run;
        String collection = "bench_quality_" + run;
        // Each run reads only what it publishes, also on a broker that earlier runs (or other stores) used.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            startAtEnd(admin, chunkerApp, Topics.DOCS_RAW);
            startAtEnd(admin, embedderGroup, Topics.CHUNKS);
        }

        Map<String, String> corpusIds = new HashMap<>();
        List<RawDocument> documents = new ArrayList<>();
        for (BeirDataset.Document doc : data.corpus()) {
            RawDocument.Builder builder = RawDocument.builder()
                    .tenant(TENANT)
                    .source(SOURCE)
                    .uri(doc.id())
                    .text("text/plain", doc.title().isBlank() ? doc.text() : doc.title() + "\n\n" + doc.text());
            if (!doc.title().isBlank()) {
                builder.title(doc.title());
            }
            RawDocument raw = builder.build();
            documents.add(raw);
            corpusIds.put(raw.docId(), doc.id());
        }

        Path work = Files.createTempDirectory("ragstream-bench-quality-");
        StoreConfig store = storeConfig(settings, work);
        try {
            Ingested ingested;
            ChunkerConfig chunkerDefaults = ChunkerConfig.defaults();
            EmbedderConfig embedderDefaults = EmbedderConfig.defaults();
            try (StatusView statuses = StatusView.start(kafka);
                    ChunkerService chunker = ChunkerService.start(
                            new ChunkerConfig(chunkerApp, topics, chunkerDefaults.chunker(), chunkerDefaults.model()),
                            Map.of(
                                    "bootstrap.servers",
                                    bootstrapServers,
                                    "state.dir",
                                    work.resolve("streams").toString()));
                    EmbedderService embedder = EmbedderService.start(
                            new EmbedderConfig(
                                    embedderGroup,
                                    collection,
                                    0,
                                    topics,
                                    embedderDefaults.embedder(),
                                    store,
                                    embedderDefaults.model(),
                                    embedderDefaults.endpoint()),
                            kafka)) {
                awaitRunning(chunker);
                // Status times keep millisecond precision; a status of this run is never older than this.
                Instant published = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                long start = System.nanoTime();
                publish(bootstrapServers, documents);
                out.printf(
                        "  %s: published %d documents to %s, waiting until they are indexed%n",
                        settings.store(), documents.size(), Topics.DOCS_RAW);
                ingested = awaitIndexed(
                        statuses,
                        documents,
                        corpusIds,
                        published,
                        start,
                        settings,
                        () -> stopped(chunker, embedder),
                        out);
            }

            QueryConfig defaults = QueryConfig.defaults();
            QueryConfig queryConfig = new QueryConfig(
                            0,
                            collection,
                            defaults.auth(),
                            defaults.limits(),
                            store,
                            defaults.model(),
                            defaults.rerank(),
                            defaults.answer())
                    .withKeys(TENANT + ":" + API_KEY);
            List<ModeResult> modes = new ArrayList<>();
            try (QueryService query = QueryService.start(queryConfig, kafka)) {
                for (String mode : settings.modes()) {
                    modes.add(score(query.port(), data, corpusIds, mode));
                }
            }
            return new Result(
                    settings.store(), documents.size(), ingested.chunks(), ingested.failures(), ingested.took(), modes);
        } finally {
            if (store.kind().equals("milvus")) {
                try (VectorStore cleanup = store.open()) {
                    cleanup.dropCollection(collection);
                } catch (RuntimeException e) {
                    out.println("  (could not drop " + collection + ": " + e.getMessage() + ")");
                }
            }
            deleteRecursively(work);
        }
    }

    /** Asks every judged query in one mode and scores the answers. */
    private static ModeResult score(int port, BeirDataset data, Map<String, String> corpusIds, String mode)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI search = URI.create("http://127.0.0.1:" + port + "/v1/search");
        Map<String, Map<String, Integer>> judged = data.judgedQueries();
        Map<String, List<String>> rankings = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (String queryId : judged.keySet()) {
            String body = Json.mapper()
                    .writeValueAsString(Map.of("query", data.queries().get(queryId), "topK", TOP_K, "mode", mode));
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(search)
                            .timeout(REQUEST_TIMEOUT)
                            .header("Authorization", "Bearer " + API_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                refused.add(queryId + ": " + response.statusCode() + " " + abbreviate(response.body(), 200));
                continue;
            }
            List<String> hits = new ArrayList<>();
            for (JsonNode hit : Json.mapper().readTree(response.body()).path("hits")) {
                String corpusId = corpusIds.get(hit.path("docId").asText());
                if (corpusId != null) {
                    hits.add(corpusId);
                }
            }
            rankings.put(queryId, RetrievalMetrics.documentRanking(hits, queryId));
        }
        return new ModeResult(mode, RetrievalMetrics.evaluate(rankings, judged), refused);
    }

    private static void publish(String bootstrapServers, List<RawDocument> documents) throws InterruptedException {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Topics.MAX_MESSAGE_BYTES,
                ProducerConfig.LINGER_MS_CONFIG,
                5);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new RawDocumentSerde())) {
            for (RawDocument doc : documents) {
                sent.add(producer.send(new ProducerRecord<>(Topics.DOCS_RAW, doc.docId(), doc)));
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "Kafka did not accept document " + documents.get(i).uri() + " on " + Topics.DOCS_RAW + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }
    }

    /** Follows the status topic until every document of this run is indexed or failed. */
    private static Ingested awaitIndexed(
            StatusView statuses,
            List<RawDocument> documents,
            Map<String, String> corpusIds,
            Instant published,
            long start,
            Settings settings,
            Supplier<Optional<String>> stopped,
            PrintStream out)
            throws InterruptedException {
        Map<String, String> pending = new LinkedHashMap<>();
        documents.forEach(doc -> pending.put(doc.docId(), doc.version()));
        long chunks = 0;
        List<String> failures = new ArrayList<>();
        long lastProgress = System.nanoTime();
        long nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!pending.isEmpty()) {
            int before = pending.size();
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var doc = it.next();
                Optional<DocumentStatus> status = statuses.latest(doc.getKey())
                        .filter(s -> s.version().equals(Optional.of(doc.getValue())))
                        .filter(s -> !s.updatedAt().isBefore(published));
                if (status.isEmpty()) {
                    continue;
                }
                switch (status.get().stage()) {
                    case INDEXED -> {
                        chunks += status.get().chunkCount().orElse(0);
                        it.remove();
                    }
                    case FAILED -> {
                        failures.add(corpusIds.get(doc.getKey()) + ": "
                                + status.get().reason().orElse("no reason given"));
                        it.remove();
                    }
                    case RECEIVED, CHUNKED, DELETED -> {}
                }
            }
            Optional<String> stage = stopped.get();
            if (stage.isPresent()) {
                throw new IllegalStateException(stage.get() + " stopped with " + pending.size() + " of "
                        + documents.size() + " documents not indexed; its log above says why");
            }
            long now = System.nanoTime();
            if (pending.size() < before) {
                lastProgress = now;
            } else if (now - lastProgress > settings.stallTimeout().toNanos()) {
                String first = pending.keySet().iterator().next();
                throw new IllegalStateException(pending.size() + " of " + documents.size()
                        + " documents were not indexed and none finished for " + settings.stallTimeout()
                        + "; the latest status of " + corpusIds.get(first) + " (" + first + ") is "
                        + statuses.latest(first).map(Object::toString).orElse("none")
                        + "; raise --stall-timeout on a slow machine");
            }
            if (now >= nextReport && !pending.isEmpty()) {
                out.printf(
                        "  %s: %d / %d documents indexed after %.0f s%n",
                        settings.store(), documents.size() - pending.size(), documents.size(), (now - start) / 1e9);
                nextReport = now + Duration.ofSeconds(5).toNanos();
            }
            if (!pending.isEmpty()) {
                Thread.sleep(100);
            }
        }
        return new Ingested(chunks, failures, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The stage that has stopped working, if one has. */
    private static Optional<String> stopped(ChunkerService chunker, EmbedderService embedder) {
        KafkaStreams.State state = chunker.state();
        if (state == KafkaStreams.State.ERROR
                || state == KafkaStreams.State.PENDING_SHUTDOWN
                || state == KafkaStreams.State.NOT_RUNNING) {
            return Optional.of("the chunker (Kafka Streams " + state + ")");
        }
        return embedder.alive() ? Optional.empty() : Optional.of("the embedder's consumer loop");
    }

    private static void awaitRunning(ChunkerService chunker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (chunker.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the chunker's Kafka Streams did not reach RUNNING within 60 s; it is " + chunker.state());
            }
            Thread.sleep(50);
        }
    }

    private static StoreConfig storeConfig(Settings settings, Path work) {
        StoreConfig defaults = StoreConfig.defaults();
        return switch (settings.store()) {
            case "lucene" ->
                new StoreConfig(
                        "lucene",
                        work.resolve("index").toString(),
                        defaults.milvusUri(),
                        Optional.empty(),
                        defaults.textAnalyzer());
            case "milvus" ->
                new StoreConfig(
                        "milvus",
                        defaults.directory(),
                        settings.milvusUri()
                                .filter(uri -> !uri.isBlank())
                                .orElseThrow(() -> new IllegalArgumentException(
                                        "measuring milvus needs --milvus-uri or MILVUS_URI; bench/run starts Milvus"
                                                + " Lite for you")),
                        Optional.empty(),
                        defaults.textAnalyzer());
            default ->
                throw new IllegalArgumentException("unknown store '" + settings.store() + "'; choose lucene or milvus");
        };
    }

    /** Commits the group's offsets at the current end of the topic, so it starts with what is published next. */
    private static void startAtEnd(Admin admin, String group, String topic) throws InterruptedException {
        try {
            var description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description
                    .partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(request)
                    .all()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .forEach((partition, info) -> offsets.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not start group " + group + " at the end of " + topic, e);
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
