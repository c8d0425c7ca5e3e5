package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.chunker.ChunkerService;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.embedder.EmbedderService;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.SharedEmbedder;
import io.ragstream.ingest.IngestConfig;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestService;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.ingest.files.FileLoader;
import io.ragstream.ingest.files.FileLoaderConfig;
import io.ragstream.ingest.upload.UploadConfig;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.DocumentStatus.Stage;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.status.StatusView;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SharedStore;
import io.ragstream.store.StoreConfig;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant isolation as a property over writes: two tenants, acme and globex, write at random under colliding ids through
 * every way in: an outside producer on {@code docs.raw} (both publish {@code crm:1}, and each publishes, deletes and
 * breaks records under the docIds of the other's uploads and files, which anyone can compute), the upload API (both use
 * the ids {@code u1} and {@code u2}) and a folder loader each (both have {@code f1.txt} and {@code f2.txt}). Every
 * operation is acknowledged before the next, so the log's order is the order below, and a model says what must follow:
 * a live document belongs to the tenant that wrote it; another tenant's write or delete of it is dead-lettered.
 *
 * <p>One chunker and two embedders (one writing the embedded Lucene index, one Milvus) run on one broker, with a query
 * API on each store. At the end, on both stores: each document holds exactly its owner's latest write, or nothing; each
 * tenant's search finds all of its own documents and nothing else; the document, status and wait-for answers of the
 * query and upload APIs show a tenant its own statuses only; and every refused write is on the dead-letter topic with
 * its reason. {@code -Dtenancy.seed=N} replays a run, {@code -Dtenancy.operations=N} lengthens it.
 */
class TenantIsolationIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final int OPERATIONS = Integer.getInteger("tenancy.operations", 200);
    private static final long SEED = Long.getLong("tenancy.seed", 20261206L);
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static final List<String> TENANTS = List.of("acme", "globex");
    private static final Map<String, String> KEYS =
            Map.of("acme", "acme-key-7f3c9a51d2e84b06", "globex", "globex-key-0b8e4d27c91f5a63");
    private static final List<String> SHARED_IDS = List.of("crm:1", "crm:2", "crm:3");
    private static final List<String> UPLOAD_IDS = List.of("u1", "u2");
    private static final List<String> FILE_NAMES = List.of("f1.txt", "f2.txt");
    private static final String[] WORDS = {
        "harbour", "ledger", "invoice", "glacier", "orchard", "compass", "lantern", "meadow", "quartz", "saddle"
    };

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** How a write reaches docs.raw. */
    enum Channel {
        RAW_PUT,
        RAW_DELETE,
        RAW_BROKEN,
        UPLOAD_PUT,
        UPLOAD_DELETE,
        FILE_WRITE,
        FILE_DELETE
    }

    @Test
    void noTenantReadsOverwritesOrDeletesAnotherTenantsChunksOrStatuses() throws Exception {
        Map<String, String> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        TopicSetup topics = new TopicSetup(true, 2, (short) 1);
        topics.apply(settings);
        String collection = milvus.uniqueCollection("tenancy");
        Map<String, Path> folders = new HashMap<>();
        for (String tenant : TENANTS) {
            folders.put(tenant, Files.createDirectories(dir.resolve(tenant)));
        }
        Universe universe = new Universe(folders);
        Model model = new Model();
        Random random = new Random(SEED);
        Map<Channel, Integer> done = new EnumMap<>(Channel.class);
        String keys = TENANTS.stream().map(t -> t + ":" + KEYS.get(t)).collect(Collectors.joining(","));

        try (LuceneVectorStore lucene = new LuceneVectorStore(dir.resolve("index"));
                VectorStore milvusStore = MilvusVectorStore.connect(milvus.uri(), Optional.empty());
                OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
                StatusView statuses = StatusView.start(settings);
                KafkaProducer<String, byte[]> producer = Harness.producer(kafka.bootstrapServers());
                KafkaDocumentSink fileSink = KafkaDocumentSink.toDocsRaw(settings)) {
            Map<String, VectorStore> stores = new LinkedHashMap<>();
            stores.put("lucene", lucene);
            stores.put("milvus", milvusStore);
            List<AutoCloseable> services = new ArrayList<>();
            Map<String, Integer> queryPorts = new LinkedHashMap<>();
            try {
                ChunkerConfig chunker = ChunkerConfig.defaults();
                services.add(ChunkerService.start(
                        new ChunkerConfig("tenancy-chunker", topics, chunker.chunker(), chunker.model()),
                        Map.of(
                                "bootstrap.servers",
                                kafka.bootstrapServers(),
                                "state.dir",
                                dir.resolve("chunker-state").toString())));
                for (var store : stores.entrySet()) {
                    String kind = store.getKey();
                    EmbedderConfig defaults = EmbedderConfig.defaults();
                    services.add(EmbedderService.start(
                            new EmbedderConfig(
                                    "tenancy-embedder-" + kind,
                                    collection,
                                    0,
                                    topics,
                                    defaults.embedder(),
                                    new StoreConfig(kind, dir.toString(), milvus.uri(), Optional.empty(), "standard"),
                                    defaults.model(),
                                    defaults.endpoint()),
                            settings,
                            new SharedStore(store.getValue()),
                            new SharedEmbedder(embedder)));
                    QueryService query = QueryService.start(
                            QueryConfig.defaults()
                                    .withHttpPort(0)
                                    .withCollection(collection)
                                    .withKeys(keys),
                            new SharedStore(store.getValue()),
                            new SharedEmbedder(embedder),
                            Optional.of(StatusView.start(settings)));
                    services.add(query);
                    queryPorts.put(kind, query.port());
                }
                IngestConfig ingestDefaults = IngestConfig.defaults();
                IngestService ingest = IngestService.start(
                        new IngestConfig(
                                "unused",
                                dir.resolve("ingest-state").toString(),
                                topics,
                                ingestDefaults.upload().withHttpPort(0).withKeys(keys),
                                ingestDefaults.files(),
                                ingestDefaults.crawl()),
                        settings);
                services.add(ingest);
                int uploadPort = ingest.uploadPort().orElseThrow();
                Map<String, FileLoader> loaders = new HashMap<>();
                Map<String, IngestState> loaderStates = new HashMap<>();
                for (String tenant : TENANTS) {
                    FileLoaderConfig defaults = FileLoaderConfig.defaults();
                    IngestState state = IngestState.inMemory();
                    loaderStates.put(tenant, state);
                    loaders.put(
                            tenant,
                            new FileLoader(
                                    new FileLoaderConfig(
                                            List.of(folders.get(tenant)),
                                            defaults.include(),
                                            defaults.exclude(),
                                            defaults.maxFileBytes(),
                                            tenant,
                                            defaults.source(),
                                            defaults.rescanInterval(),
                                            defaults.settleDelay(),
                                            false),
                                    fileSink,
                                    state,
                                    new IngestCounters()));
                }

                long start = System.nanoTime();
                for (int i = 0; i < OPERATIONS; i++) {
                    String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                    Channel channel = pick(random);
                    String marker = tenant + "-w" + i;
                    String text = "%s wrote %s about the %s and the %s."
                            .formatted(
                                    tenant,
                                    marker,
                                    WORDS[random.nextInt(WORDS.length)],
                                    WORDS[random.nextInt(WORDS.length)]);
                    UploadClient upload = new UploadClient(uploadPort, KEYS.get(tenant));
                    switch (channel) {
                        case RAW_PUT -> {
                            String docId = universe.any(random);
                            RawDocument document = RawDocument.builder()
                                    .docId(docId)
                                    .tenant(tenant)
                                    .source("crm")
                                    .uri("crm://" + tenant + "/" + docId)
                                    .text("text/plain", text)
                                    .fetchedAt(Instant.now())
                                    .build();
                            send(producer, docId, new RawDocumentSerde().serialize(Topics.DOCS_RAW, document), tenant);
                            model.put(tenant, docId, marker, Optional.of(document.version()));
                        }
                        case RAW_DELETE -> {
                            String docId = universe.any(random);
                            send(producer, docId, null, tenant);
                            model.delete(tenant, docId);
                        }
                        case RAW_BROKEN -> {
                            String docId = universe.any(random);
                            String broken = "{\"schemaVersion\":1,\"tenant\":\"%s\",\"docId\":\"%s\",\"note\":\"%s\"}"
                                    .formatted(tenant, docId, marker);
                            send(producer, docId, broken.getBytes(StandardCharsets.UTF_8), tenant);
                            model.broken(tenant, docId);
                        }
                        case UPLOAD_PUT -> {
                            String id = UPLOAD_IDS.get(random.nextInt(UPLOAD_IDS.size()));
                            ObjectNode body = Json.mapper().createObjectNode();
                            body.put("contentType", "text/plain");
                            body.put("text", text);
                            UploadClient.Response response = upload.put(id, body);
                            assertThat(response.published())
                                    .as(response.refusal())
                                    .isTrue();
                            assertThat(response.docId()).isEqualTo(universe.upload(tenant, id));
                            model.put(tenant, response.docId(), marker, Optional.of(response.version()));
                        }
                        case UPLOAD_DELETE -> {
                            String id = UPLOAD_IDS.get(random.nextInt(UPLOAD_IDS.size()));
                            UploadClient.Response response = upload.delete(id);
                            assertThat(response.status()).as(response.refusal()).isEqualTo(202);
                            model.delete(tenant, universe.upload(tenant, id));
                        }
                        case FILE_WRITE -> {
                            String name = FILE_NAMES.get(random.nextInt(FILE_NAMES.size()));
                            Path file = folders.get(tenant).resolve(name);
                            Files.writeString(file, text);
                            loaders.get(tenant).scan();
                            String docId = universe.file(tenant, name);
                            assertThat(loaderStates
                                            .get(tenant)
                                            .get(file.toUri().toString())
                                            .map(IngestState.Entry::docId))
                                    .as("the docId the folder loader gave " + file)
                                    .contains(docId);
                            model.put(tenant, docId, marker, Optional.empty());
                        }
                        case FILE_DELETE -> {
                            String name = FILE_NAMES.get(random.nextInt(FILE_NAMES.size()));
                            Path file = folders.get(tenant).resolve(name);
                            if (!Files.deleteIfExists(file)) {
                                continue;
                            }
                            loaders.get(tenant).scan();
                            model.delete(tenant, universe.file(tenant, name));
                        }
                    }
                    done.merge(channel, 1, Integer::sum);
                }
                // One last document on each partition: once both stores hold them, everything before is done.
                List<String> sentinels = sentinels();
                for (String docId : sentinels) {
                    RawDocument document = RawDocument.builder()
                            .docId(docId)
                            .tenant("acme")
                            .source("crm")
                            .uri("crm://acme/" + docId)
                            .text("text/plain", "acme wrote " + docId + " last of all.")
                            .build();
                    send(producer, docId, new RawDocumentSerde().serialize(Topics.DOCS_RAW, document), "acme");
                    model.put("acme", docId, docId, Optional.of(document.version()));
                    universe.sentinels.add(docId);
                }
                long published = System.nanoTime();
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> stores.values().stream()
                        .allMatch(store -> sentinels.stream().allMatch(docId -> !store.chunksOf(collection, docId)
                                .isEmpty())));
                long settled = System.nanoTime();

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(deadLetters())
                            .as("refused writes and broken records on " + Topics.DOCS_DLQ)
                            .isEqualTo(model.expectedDeadLetters());
                    for (String docId : universe.all()) {
                        assertThat(model.acceptable(docId))
                                .as("the latest status of " + docId)
                                .contains(statuses.latest(docId).map(Model::observed));
                    }
                });
                // The services' own status views may read the last statuses a moment after the test's.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (var store : stores.entrySet()) {
                        checkStore(store.getKey(), store.getValue(), collection, universe, model);
                        checkQueryApi(store.getKey(), queryPorts.get(store.getKey()), universe, model, statuses);
                    }
                    checkUploadStatuses(uploadPort, universe, statuses);
                });

                System.out.printf(
                        """
                        tenancy: seed %d, %d operations (%s) in %.1f s, both stores settled %.1f s after the last
                        | live documents acme | live documents globex | refused cross-tenant writes | broken records | of which under another tenant's live docId |
                        | %18d | %20d | %27d | %14d | %41d |
                        """,
                        SEED,
                        OPERATIONS,
                        done,
                        (published - start) / 1e9,
                        (settled - published) / 1e9,
                        model.liveOf("acme").size(),
                        model.liveOf("globex").size(),
                        model.refused,
                        model.broken,
                        model.brokenUnderAnother);
                assertThat(model.refused)
                        .as("cross-tenant writes tried (else the run proved nothing)")
                        .isPositive();
                assertThat(model.brokenUnderAnother).isPositive();
                for (String tenant : TENANTS) {
                    assertThat(model.liveOf(tenant))
                            .as("live documents of " + tenant)
                            .isNotEmpty();
                }
                loaders.values().forEach(FileLoader::close);
            } finally {
                for (AutoCloseable service : services.reversed()) {
                    service.close();
                }
            }
        }
    }

    /** Each document holds its owner's latest write and nothing else; nothing of a dead document stays. */
    private static void checkStore(String kind, VectorStore store, String collection, Universe universe, Model model) {
        Map<String, Integer> chunksOf = new HashMap<>();
        for (String docId : universe.all()) {
            List<ChunkRecord> chunks = store.chunksOf(collection, docId);
            Optional<Model.Live> live = Optional.ofNullable(model.live.get(docId));
            if (live.isEmpty()) {
                assertThat(chunks)
                        .as(kind + ": chunks of deleted or refused " + docId)
                        .isEmpty();
                continue;
            }
            assertThat(chunks).as(kind + ": chunks of " + docId).isNotEmpty().allSatisfy(chunk -> {
                assertThat(chunk.tenant())
                        .as(kind + ": tenant of " + docId)
                        .isEqualTo(live.get().tenant());
                assertThat(chunk.text())
                        .as(kind + ": text of " + docId)
                        .contains(live.get().marker() + " ");
            });
            chunksOf.merge(live.get().tenant(), chunks.size(), Integer::sum);
        }
        for (String tenant : TENANTS) {
            assertThat(store.count(collection, SearchFilter.tenant(tenant)))
                    .as(kind + ": every row of " + tenant + ", older versions included")
                    .isEqualTo(chunksOf.getOrDefault(tenant, 0).longValue());
        }
    }

    /** Search, document and wait-for answers as each tenant: its own documents, all of them, and nothing else. */
    private void checkQueryApi(String kind, int port, Universe universe, Model model, StatusView statuses)
            throws Exception {
        for (String tenant : TENANTS) {
            Set<String> own = model.liveOf(tenant);
            for (String mode : List.of("dense", "hybrid")) {
                JsonNode hits = post(
                                port,
                                tenant,
                                "/v1/search",
                                Map.of("query", "wrote about the ledger and the glacier", "topK", 100, "mode", mode))
                        .path("hits");
                Set<String> found = new HashSet<>();
                hits.forEach(hit -> {
                    found.add(hit.path("docId").asText());
                    assertThat(hit.path("text").asText())
                            .as(kind + " " + mode + " search as " + tenant)
                            .startsWith(tenant + " wrote ");
                });
                assertThat(found).as(kind + " " + mode + " search as " + tenant).isEqualTo(own);
            }
            for (String docId : universe.all()) {
                HttpResponse<String> answer = get(port, tenant, "/v1/documents/" + docId);
                Optional<DocumentStatus> status = statuses.latest(docId);
                boolean ownsStatus = status.flatMap(DocumentStatus::tenant).equals(Optional.of(tenant));
                boolean ownsChunks = own.contains(docId);
                String what = kind + ": GET /v1/documents/" + docId + " as " + tenant;
                if (!ownsStatus && !ownsChunks) {
                    assertThat(answer.statusCode())
                            .as(what + ": " + answer.body())
                            .isEqualTo(404);
                    continue;
                }
                assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(200);
                JsonNode body = Json.mapper().readTree(answer.body());
                assertThat(body.path("chunkCount").asInt() > 0).as(what).isEqualTo(ownsChunks);
                assertThat(body.path("status").path("stage").asText())
                        .as(what)
                        .isEqualTo(ownsStatus ? status.get().stage().name().toLowerCase() : "");
            }
            for (String docId : universe.all()) {
                Model.Live live = model.live.get(docId);
                if (live == null || live.version().isEmpty()) {
                    continue;
                }
                JsonNode waited = post(
                        port,
                        tenant,
                        "/v1/search",
                        Map.of(
                                "query",
                                "anything",
                                "waitFor",
                                Map.of("docId", docId, "version", live.version().get(), "timeoutMs", 300)));
                String what = kind + ": waitFor " + docId + " as " + tenant;
                if (live.tenant().equals(tenant)) {
                    assertThat(waited.has("hits")).as(what + ": " + waited).isTrue();
                } else {
                    assertThat(waited.path("error").path("code").asText())
                            .as(what + ": " + waited)
                            .isEqualTo("version_pending");
                    assertThat(waited.toString()).as(what).contains("no status yet");
                }
            }
        }
    }

    /** The upload API shows a tenant the status of its own ids, and only while the latest status is its own. */
    private static void checkUploadStatuses(int port, Universe universe, StatusView statuses) throws Exception {
        for (String tenant : TENANTS) {
            UploadClient client = new UploadClient(port, KEYS.get(tenant));
            for (String id : UPLOAD_IDS) {
                String docId = universe.upload(tenant, id);
                Optional<DocumentStatus> status = statuses.latest(docId);
                UploadClient.Response answer = client.status(id);
                String what = "upload status of " + id + " as " + tenant;
                if (status.flatMap(DocumentStatus::tenant).equals(Optional.of(tenant))) {
                    assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(200);
                    assertThat(answer.body().path("status").path("stage").asText())
                            .as(what)
                            .isEqualTo(status.get().stage().name().toLowerCase());
                } else {
                    assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(404);
                }
            }
        }
    }

    private JsonNode post(int port, String tenant, String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + KEYS.get(tenant))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private HttpResponse<String> get(int port, String tenant, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + KEYS.get(tenant))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Channel pick(Random random) {
        int roll = random.nextInt(100);
        if (roll < 30) {
            return Channel.RAW_PUT;
        }
        if (roll < 45) {
            return Channel.RAW_DELETE;
        }
        if (roll < 55) {
            return Channel.RAW_BROKEN;
        }
        if (roll < 72) {
            return Channel.UPLOAD_PUT;
        }
        if (roll < 78) {
            return Channel.UPLOAD_DELETE;
        }
        return roll < 94 ? Channel.FILE_WRITE : Channel.FILE_DELETE;
    }

    /** Sends one record to docs.raw, naming the tenant in a header as a tombstone must, and waits for the ack. */
    private static void send(KafkaProducer<String, byte[]> producer, String docId, byte[] value, String tenant)
            throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DOCS_RAW, docId, value);
        record.headers().add(Topics.TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    /** A docId for each of the two partitions, as the producers' partitioner places keys. */
    private static List<String> sentinels() {
        Map<Integer, String> byPartition = new HashMap<>();
        for (int i = 0; byPartition.size() < 2; i++) {
            String docId = "sentinel:" + i;
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(docId.getBytes(StandardCharsets.UTF_8))) % 2, docId);
        }
        return List.copyOf(byPartition.values());
    }

    /** Every record on the dead-letter topic, read from its beginning. */
    private static long deadLetters() {
        Map<String, Object> settings = new HashMap<>(kafka.consumerConfig("unused"));
        settings.remove("group.id");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DOCS_DLQ).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    String reason = DeadLetter.readFrom(record.headers())
                            .map(DeadLetter::errorMessage)
                            .orElse("");
                    assertThat(reason)
                            .as("dead letter of " + record.key())
                            .containsAnyOf("belongs to another tenant", "RawDocument");
                    count++;
                }
            }
            return count;
        }
    }

    /** The docIds the tenants write under: shared ids, and each tenant's upload and file docIds. */
    private static final class Universe {
        private final Map<String, Path> folders;
        final List<String> sentinels = new ArrayList<>();

        Universe(Map<String, Path> folders) {
            this.folders = folders;
        }

        String upload(String tenant, String id) {
            return Ids.docId(tenant, UploadConfig.defaults().source(), id);
        }

        String file(String tenant, String name) {
            return Ids.docId(
                    tenant,
                    FileLoaderConfig.defaults().source(),
                    folders.get(tenant).resolve(name).toUri().toString());
        }

        List<String> all() {
            Set<String> all = new LinkedHashSet<>(SHARED_IDS);
            for (String tenant : TENANTS) {
                UPLOAD_IDS.forEach(id -> all.add(upload(tenant, id)));
                FILE_NAMES.forEach(name -> all.add(file(tenant, name)));
            }
            all.addAll(sentinels);
            return List.copyOf(all);
        }

        /** Any docId a producer on docs.raw may name: anyone can compute another tenant's. */
        String any(Random random) {
            List<String> all = all();
            return all.get(random.nextInt(all.size()));
        }
    }

    /**
     * What must follow from the writes in their order: a live document belongs to the tenant that wrote it, and only
     * that tenant replaces or deletes it; a deletion's status is the tenant's whose document it was.
     */
    private static final class Model {
        record Live(String tenant, String marker, Optional<String> version) {}

        /** A status as the isolation rules see it: whose, and which stage. */
        record Observed(Optional<String> tenant, Stage stage) {}

        final Map<String, Live> live = new HashMap<>();
        private final Map<String, String> lastTenant = new HashMap<>();
        /** The statuses each docId may end with: a broken record's failure races the embedder's last status. */
        private final Map<String, Set<Observed>> statuses = new HashMap<>();

        int refused;
        int broken;
        int brokenUnderAnother;

        void put(String tenant, String docId, String marker, Optional<String> version) {
            if (ownedByAnother(tenant, docId)) {
                refused++;
                return;
            }
            live.put(docId, new Live(tenant, marker, version));
            lastTenant.put(docId, tenant);
            statuses.put(docId, Set.of(new Observed(Optional.of(tenant), Stage.INDEXED)));
        }

        void delete(String tenant, String docId) {
            if (ownedByAnother(tenant, docId)) {
                refused++;
                return;
            }
            live.remove(docId);
            String owner = lastTenant.getOrDefault(docId, tenant);
            lastTenant.put(docId, owner);
            statuses.put(docId, Set.of(new Observed(Optional.of(owner), Stage.DELETED)));
        }

        void broken(String tenant, String docId) {
            broken++;
            if (ownedByAnother(tenant, docId)) {
                brokenUnderAnother++;
                return;
            }
            Set<Observed> either = new HashSet<>(statuses.getOrDefault(docId, Set.of()));
            either.add(new Observed(Optional.of(tenant), Stage.FAILED));
            statuses.put(docId, either);
        }

        private boolean ownedByAnother(String tenant, String docId) {
            Live owner = live.get(docId);
            return owner != null && !owner.tenant().equals(tenant);
        }

        Set<Optional<Observed>> acceptable(String docId) {
            Set<Observed> expected = statuses.get(docId);
            if (expected == null) {
                return Set.of(Optional.empty());
            }
            return expected.stream().map(Optional::of).collect(Collectors.toSet());
        }

        long expectedDeadLetters() {
            return refused + broken;
        }

        Set<String> liveOf(String tenant) {
            return live.entrySet().stream()
                    .filter(e -> e.getValue().tenant().equals(tenant))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
        }

        static Observed observed(DocumentStatus status) {
            return new Observed(status.tenant(), status.stage());
        }
    }
}
