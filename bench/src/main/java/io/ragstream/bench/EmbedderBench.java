package io.ragstream.bench;

import io.ragstream.chunker.Chunker;
import io.ragstream.chunker.ChunkerSettings;
import io.ragstream.chunker.ParsedDocument;
import io.ragstream.chunker.Parsers;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.Ids;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.status.ConsumerLag;
import io.ragstream.testkit.KafkaFixture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chunks per second from {@code ragstream.chunks} into each store through the embedder service (run as its own process,
 * as in production), against the {@link OnnxEmbedder} alone on the same chunks in the same run; and the service's peak
 * resident memory.
 */
@Command(
        name = "embedder",
        mixinStandardHelpOptions = true,
        description = "Embedder service end to end (own JVM) against the Embedder alone, and its peak RSS.")
final class EmbedderBench implements Callable<Integer> {

    @Option(names = "--corpus", description = "documents to cut chunks from (default: ${DEFAULT-VALUE})")
    Path corpus = Path.of("samples/corpus");

    @Option(names = "--copies", description = "distinct copies of the corpus's chunks (default: ${DEFAULT-VALUE})")
    int copies = 8;

    @Option(
            names = "--stores",
            split = ",",
            description = "stores to measure: lucene, milvus (default: ${DEFAULT-VALUE})")
    List<String> stores = List.of("lucene", "milvus");

    @Option(names = "--batch-size", description = "the service's embedder.batch-size (default: its own default)")
    Integer batchSize;

    @Option(
            names = "--milvus-uri",
            description = "Milvus to measure (default: $MILVUS_URI; bench/run starts Milvus Lite)")
    String milvusUri = System.getenv("MILVUS_URI");

    @Override
    public Integer call() throws Exception {
        List<ChunkedDocument> documents = documents();
        List<String> texts = documents.stream()
                .flatMap(d -> d.chunks().stream())
                .map(Chunk::text)
                .toList();
        System.out.printf(
                "ragstream bench: embedder, %d chunks in %d documents (chunks of samples/corpus, 256 tokens at most)%n",
                texts.size(), documents.size());

        double alone;
        try (OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults())) {
            embedder.embed(texts.subList(0, Math.min(16, texts.size())), InputKind.PASSAGE); // warm-up
            long start = System.nanoTime();
            embedder.embed(texts, InputKind.PASSAGE);
            alone = texts.size() / ((System.nanoTime() - start) / 1e9);
        }
        System.out.printf("Embedder alone (batch %d): %.1f chunks/s%n%n", EmbedderOptions.DEFAULT_BATCH_SIZE, alone);

        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        List<String[]> rows = new ArrayList<>();
        try {
            new TopicSetup(true, 3, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            for (String store : stores) {
                rows.add(measure(kafka, store, documents, texts.size(), alone));
            }
        } finally {
            kafka.stop();
        }
        String format = "| %-7s | %14s | %14s | %17s | %16s |%n";
        System.out.printf(format, "store", "service chunk/s", "alone chunk/s", "service / alone", "peak RSS MB");
        System.out.printf(format, "-".repeat(7), "-".repeat(14), "-".repeat(14), "-".repeat(17), "-".repeat(16));
        rows.forEach(row -> System.out.printf(format, (Object[]) row));
        System.out.println("goals: service / alone >= 0.9x; peak RSS <= 1024 MB with the default model");
        return 0;
    }

    private String[] measure(
            KafkaFixture kafka, String store, List<ChunkedDocument> documents, int chunks, double alone)
            throws Exception {
        if (store.equals("milvus") && (milvusUri == null || milvusUri.isBlank())) {
            throw new IllegalArgumentException(
                    "measuring milvus needs --milvus-uri or MILVUS_URI; bench/run starts Milvus Lite");
        }
        String group = kafka.uniqueName("bench-embedder");
        int port = freePort();
        Path dir = Files.createTempDirectory("ragstream-bench-embedder-");
        // The group starts at the end of the topic: it indexes only what this measurement publishes.
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> start = new HashMap<>();
        endOffsets(kafka).forEach((p, o) -> start.put(p, new org.apache.kafka.clients.consumer.OffsetAndMetadata(o)));
        kafka.admin().alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);

        ProcessBuilder child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "--enable-native-access=ALL-UNNAMED",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.ragstream.embedder.EmbedderMain")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("embedder.log").toFile());
        Map<String, String> env = child.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("RAGSTREAM_GROUP_ID", group);
        env.put("RAGSTREAM_COLLECTION", "bench_" + store + "_" + Long.toHexString(System.nanoTime()));
        env.put("RAGSTREAM_HTTP_PORT", Integer.toString(port));
        env.put("RAGSTREAM_TOPICS_CREATE", "false");
        env.put("RAGSTREAM_STORE_KIND", store);
        if (batchSize != null) {
            env.put("RAGSTREAM_EMBEDDER_BATCH_SIZE", batchSize.toString());
        }
        env.put("RAGSTREAM_STORE_DIRECTORY", dir.resolve("index").toString());
        if (milvusUri != null) {
            env.put("RAGSTREAM_STORE_MILVUS_URI", milvusUri);
        }
        Process process = child.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!ready(http, port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the embedder did not become ready; see " + dir.resolve("embedder.log"));
                }
                Thread.sleep(100);
            }
            long begin = System.nanoTime();
            try (var producer =
                    new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new ChunkMessageSerde())) {
                documents.forEach(d -> producer.send(new ProducerRecord<>(Topics.CHUNKS, d.docId(), d)));
            }
            while (!caughtUp(kafka, group)) {
                if (!process.isAlive()
                        || System.nanoTime() - begin > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException(
                            "the embedder did not index everything; see " + dir.resolve("embedder.log"));
                }
                Thread.sleep(50);
            }
            double rate = chunks / ((System.nanoTime() - begin) / 1e9);
            long rss = Memory.peakRssMegabytes(process.pid());
            System.out.printf("  %s: %.1f chunks/s, peak RSS %d MB%n", store, rate, rss);
            return new String[] {
                store,
                "%.1f".formatted(rate),
                "%.1f".formatted(alone),
                "%.2fx".formatted(rate / alone),
                Long.toString(rss)
            };
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Chunks of the corpus's English documents, in distinct copies so none is served from the embedding cache. */
    private List<ChunkedDocument> documents() throws Exception {
        List<ChunkedDocument> documents = new ArrayList<>();
        try (var tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
                Parsers parsers = new Parsers(5_000_000, Duration.ofSeconds(30));
                Stream<Path> files = Files.walk(corpus.resolve("en"))) {
            Chunker chunker = new Chunker(tokenizer, new ChunkerSettings(256, 0, 8192));
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String type = file.toString().endsWith(".html") ? "text/html" : "text/markdown";
                ParsedDocument parsed = parsers.parse(
                        Files.readAllBytes(file), type, file.toUri().toString());
                for (int copy = 0; copy < copies; copy++) {
                    String docId = "bench:" + file.getFileName() + "-" + copy;
                    String version = Ids.contentHash(docId);
                    List<Chunk> chunks = new ArrayList<>();
                    for (Chunk chunk : chunker.chunk(docId, 0, parsed)) {
                        String text = "Copy " + copy + ". " + chunk.text();
                        chunks.add(new Chunk(
                                chunk.chunkId(),
                                chunk.ordinal(),
                                text,
                                chunk.tokenCount(),
                                0,
                                text.length(),
                                chunk.headingPath()));
                    }
                    DocumentInfo info = new DocumentInfo(
                            "bench", file.toUri().toString(), parsed.title(), type, Map.of(), List.of(), Instant.now());
                    documents.add(new ChunkedDocument(docId, "bench", version, 0, info, chunks, Instant.now()));
                }
            }
        }
        return documents;
    }

    private static boolean ready(HttpClient http, int port) {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean caughtUp(KafkaFixture kafka, String group) throws Exception {
        return ConsumerLag.of(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        group,
                        Topics.CHUNKS,
                        Duration.ofSeconds(30))
                == 0;
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaFixture kafka) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            request.put(new TopicPartition(Topics.CHUNKS, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.admin().listOffsets(request).all().get().forEach((p, info) -> ends.put(p, info.offset()));
        return ends;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
