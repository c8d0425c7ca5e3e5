package io.ragstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.ragstream.chunker.Chunker;
import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.chunker.ChunkerService;
import io.ragstream.chunker.ChunkerSettings;
import io.ragstream.chunker.DocumentChunking;
import io.ragstream.chunker.Parsers;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.embedder.EmbedderService;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.SharedEmbedder;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.Chunk;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.status.ConsumerLag;
import io.ragstream.status.StatusView;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.SharedStore;
import io.ragstream.store.StoreConfig;
import io.ragstream.testkit.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole pipeline, from {@code docs.raw} to searchable, against references measured in the same run: the
 * {@code Embedder} alone on the same chunks (the ceiling), LangChain4j's {@code EmbeddingStoreIngestor} on the same
 * documents with the same model (the peer), a re-ingest of the unchanged corpus, and freshness under a steady load.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description =
                "End to end: ingest throughput against the embedding limit and LangChain4j's ingestor, re-ingest of"
                        + " an unchanged corpus, and freshness (publish to first search hit) at a steady load.")
final class PipelineBench implements Callable<Integer> {

    private static final String TENANT = "bench";
    private static final String KEY = "bench-key-0123456789";

    @Option(names = "--corpus", description = "documents to ingest (default: ${DEFAULT-VALUE})")
    Path corpus = Path.of("samples", "corpus");

    @Option(names = "--copies", description = "distinct copies of the corpus (default: ${DEFAULT-VALUE})")
    int copies = 3;

    @Option(names = "--fresh-documents", description = "documents of the freshness run (default: ${DEFAULT-VALUE})")
    int freshDocuments = 60;

    @Option(
            names = "--fresh-rate",
            description = "documents per second in the freshness run (default: ${DEFAULT-VALUE})")
    double freshRate = 2.0;

    @Override
    public Integer call() throws Exception {
        List<RawDocument> documents = documents();
        OnnxModel model = OnnxModel.bgeSmallEnV15Quantized();
        List<String> chunkTexts = new ArrayList<>();
        long tokens = 0;
        try (Tokenizer tokenizer = model.loadTokenizer();
                Parsers parsers = new Parsers(5_000_000, Duration.ofSeconds(60))) {
            DocumentChunking chunking = new DocumentChunking(
                    parsers,
                    new Chunker(tokenizer, ChunkerSettings.forModel(model.spec(), tokenizer)),
                    Clock.systemUTC());
            for (RawDocument document : documents) {
                for (Chunk chunk : chunking.chunk(document, 0).chunks()) {
                    chunkTexts.add(chunk.text());
                    tokens += chunk.tokenCount();
                }
            }
        }
        System.out.printf(
                "ragstream bench: pipeline, %d documents (%d copies of %s), %d chunks, %,d tokens, %d cores%n",
                documents.size(),
                copies,
                corpus,
                chunkTexts.size(),
                tokens,
                Runtime.getRuntime().availableProcessors());

        double alone;
        try (OnnxEmbedder embedder = model.loadEmbedder(EmbedderOptions.defaults())) {
            embedder.embed(chunkTexts.subList(0, Math.min(16, chunkTexts.size())), InputKind.PASSAGE);
            long start = System.nanoTime();
            embedder.embed(chunkTexts, InputKind.PASSAGE);
            alone = chunkTexts.size() / seconds(start);
        }
        System.out.printf("Embedder alone on the pipeline's chunks: %.1f chunks/s%n", alone);

        Peer peer = langchain4j(documents);
        System.out.printf(
                "LangChain4j EmbeddingStoreIngestor: %d segments in %.1f s, %.1f segments/s, %.0f tokens/s%n",
                peer.segments, peer.seconds, peer.segments / peer.seconds, peer.tokens / peer.seconds);

        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        Path dir = Files.createTempDirectory("ragstream-bench-pipeline-");
        Map<String, String> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        TopicSetup topics = new TopicSetup(true, 2, (short) 1);
        topics.apply(settings);
        try (LuceneVectorStore store = new LuceneVectorStore(dir.resolve("index"));
                OnnxEmbedder embedder = model.loadEmbedder(EmbedderOptions.defaults());
                StatusView statuses = StatusView.start(settings);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                "bootstrap.servers",
                                kafka.bootstrapServers(),
                                "enable.idempotence",
                                true,
                                "acks",
                                "all",
                                "max.request.size",
                                Topics.MAX_MESSAGE_BYTES),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            ChunkerConfig chunkerDefaults = ChunkerConfig.defaults();
            ChunkerService chunker = ChunkerService.start(
                    new ChunkerConfig(
                            chunkerDefaults.applicationId(),
                            topics,
                            chunkerDefaults.chunker(),
                            chunkerDefaults.model()),
                    Map.of(
                            "bootstrap.servers",
                            kafka.bootstrapServers(),
                            "state.dir",
                            dir.resolve("state").toString()));
            EmbedderConfig defaults = EmbedderConfig.defaults();
            EmbedderConfig embedderConfig = new EmbedderConfig(
                    defaults.groupId(),
                    defaults.collection(),
                    0,
                    topics,
                    defaults.embedder(),
                    new StoreConfig("lucene", dir.toString(), "", Optional.empty(), "standard"),
                    defaults.model(),
                    defaults.endpoint());
            EmbedderService embedderService = EmbedderService.start(
                    embedderConfig, settings, new SharedStore(store), new SharedEmbedder(embedder));
            QueryService query = QueryService.start(
                    QueryConfig.defaults()
                            .withHttpPort(0)
                            .withCollection(defaults.collection())
                            .withKeys(TENANT + ":" + KEY),
                    new SharedStore(store),
                    new SharedEmbedder(embedder));
            try {
                long start = System.nanoTime();
                publish(producer, documents);
                awaitIndexed(statuses, documents);
                double first = seconds(start);
                double chunksPerSecond = chunkTexts.size() / first;
                System.out.printf(
                        "First ingest: %.1f s, %.1f documents/s, %.1f chunks/s%n",
                        first, documents.size() / first, chunksPerSecond);

                start = System.nanoTime();
                publish(producer, documents);
                awaitCaughtUp(kafka, chunkerDefaults.applicationId(), defaults.groupId());
                double again = seconds(start);
                System.out.printf("Re-ingest of the unchanged corpus through docs.raw: %.2f s%n", again);

                long[] freshness = freshness(producer, query.port());
                Arrays.sort(freshness);

                String format = "| %-52s | %14s | %9s |%n";
                System.out.println();
                System.out.printf(format, "measure", "value", "goal");
                System.out.printf(format, "-".repeat(52), "-".repeat(14), "-".repeat(9));
                System.out.printf(
                        format, "ingest chunks/s (docs.raw to searchable)", "%.1f".formatted(chunksPerSecond), "");
                System.out.printf(
                        format,
                        "  / Embedder alone on the same chunks",
                        "%.2fx".formatted(chunksPerSecond / alone),
                        ">= 0.9x");
                System.out.printf(
                        format,
                        "  documents/s / LangChain4j ingestor documents/s",
                        "%.2fx".formatted((documents.size() / first) / (documents.size() / peer.seconds)),
                        ">= 1.15x");
                System.out.printf(
                        format,
                        "  tokens/s / LangChain4j ingestor tokens/s",
                        "%.2fx".formatted((tokens / first) / (peer.tokens / peer.seconds)),
                        "");
                System.out.printf(format, "  chunks reaching the model whole (ours)", "100%", "100%");
                System.out.printf(
                        format,
                        "  segments reaching the model whole (LangChain4j)",
                        "%.0f%%".formatted(100.0 * peer.whole / peer.segments),
                        "");
                System.out.printf(
                        format, "re-ingest unchanged / first ingest", "%.3fx".formatted(again / first), "<= 0.05x");
                System.out.printf(
                        format,
                        "freshness p50 / p99 (%d docs at %.1f/s)".formatted(freshDocuments, freshRate),
                        "%.0f / %.0f ms".formatted(freshness[freshness.length / 2] / 1e6, p99(freshness) / 1e6),
                        "p99 <= 2s");
            } finally {
                query.close();
                embedderService.close();
                chunker.close();
            }
        } finally {
            kafka.stop();
        }
        return 0;
    }

    /** Every Markdown, HTML and PDF document of the corpus, in distinct copies (each copy's text differs). */
    private List<RawDocument> documents() throws Exception {
        List<RawDocument> documents = new ArrayList<>();
        try (Stream<Path> files = Files.walk(corpus)) {
            List<Path> paths = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().matches(".*\\.(md|html|pdf)"))
                    .sorted()
                    .toList();
            for (int copy = 0; copy < copies; copy++) {
                for (Path file : paths) {
                    String name = file.toString();
                    RawDocument.Builder builder = RawDocument.builder()
                            .tenant(TENANT)
                            .source("bench")
                            .uri(file.toUri() + "#copy-" + copy)
                            .title(file.getFileName().toString());
                    if (name.endsWith(".pdf")) {
                        if (copy > 0) {
                            continue; // a PDF's bytes cannot be varied simply: one copy
                        }
                        builder.bytes("application/pdf", Files.readAllBytes(file));
                    } else {
                        String type = name.endsWith(".html") ? "text/html" : "text/markdown";
                        String text = Files.readString(file);
                        // Every paragraph of a copy differs from the original's, so no chunk is served from the
                        // embedding cache.
                        builder.text(type, copy == 0 ? text : text.replace("\n\n", "\n\n(copy " + copy + ") "));
                    }
                    documents.add(builder.build());
                }
            }
        }
        return documents;
    }

    private record Peer(int segments, long tokens, long whole, double seconds) {}

    /** LangChain4j's ingestor with the same model and a splitter sized like ours (510 tokens, 32 overlap). */
    private Peer langchain4j(List<RawDocument> documents) throws Exception {
        List<Document> texts = new ArrayList<>();
        try (Parsers parsers = new Parsers(5_000_000, Duration.ofSeconds(60))) {
            for (RawDocument document : documents) {
                String text =
                        parsers.parse(document.contentBytes(), document.contentType(), document.uri()).blocks().stream()
                                .map(io.ragstream.chunker.Block::text)
                                .collect(java.util.stream.Collectors.joining("\n\n"));
                texts.add(Document.from(text));
            }
        }
        var model = new BgeSmallEnV15QuantizedEmbeddingModel();
        var estimator = new HuggingFaceTokenCountEstimator();
        var store = new InMemoryEmbeddingStore<TextSegment>();
        var splitter = DocumentSplitters.recursive(510, 32, estimator);
        EmbeddingStoreIngestor ingestor = EmbeddingStoreIngestor.builder()
                .documentSplitter(splitter)
                .embeddingModel(model)
                .embeddingStore(store)
                .build();
        ingestor.ingest(texts.subList(0, Math.min(4, texts.size()))); // warm-up
        List<TextSegment> segments = splitter.splitAll(texts);
        long start = System.nanoTime();
        ingestor.ingest(texts);
        double seconds = seconds(start);
        long tokens = 0;
        long whole = 0;
        try (Tokenizer tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer()) {
            for (TextSegment segment : segments) {
                int count = tokenizer.count(segment.text());
                tokens += Math.min(count, 510);
                if (count <= 510) {
                    whole++;
                }
            }
        }
        return new Peer(segments.size(), tokens, whole, seconds);
    }

    private static void publish(KafkaProducer<String, byte[]> producer, List<RawDocument> documents) {
        RawDocumentSerde serde = new RawDocumentSerde();
        for (RawDocument document : documents) {
            producer.send(new ProducerRecord<>(
                    Topics.DOCS_RAW, document.docId(), serde.serialize(Topics.DOCS_RAW, document)));
        }
        producer.flush();
    }

    private static void awaitIndexed(StatusView statuses, List<RawDocument> documents) throws InterruptedException {
        for (RawDocument document : documents) {
            StatusView.Wait wait = statuses.awaitVersion(document.docId(), document.version(), Duration.ofMinutes(30));
            if (wait.outcome() != StatusView.Outcome.INDEXED) {
                throw new IllegalStateException(document.uri() + " ended " + wait.outcome() + ": " + wait.latest());
            }
        }
    }

    /** Until the chunker and the embedder have read and committed everything on their topics. */
    private static void awaitCaughtUp(KafkaFixture kafka, String chunkerGroup, String embedderGroup) throws Exception {
        Map<String, Object> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        Duration timeout = Duration.ofSeconds(30);
        while (ConsumerLag.of(settings, chunkerGroup, Topics.DOCS_RAW, timeout) > 0
                || ConsumerLag.of(settings, embedderGroup, Topics.CHUNKS, timeout) > 0) {
            Thread.sleep(20);
        }
    }

    /** Publishes one new document at a time at the steady rate; each one's time from send to its first search hit. */
    private long[] freshness(KafkaProducer<String, byte[]> producer, int queryPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        RawDocumentSerde serde = new RawDocumentSerde();
        long[] latencies = new long[freshDocuments];
        long interval = (long) (1e9 / freshRate);
        long next = System.nanoTime();
        for (int i = 0; i < freshDocuments; i++) {
            String word = "freshmarker" + i + "x" + Long.toHexString(System.nanoTime());
            RawDocument document = RawDocument.builder()
                    .tenant(TENANT)
                    .source("fresh")
                    .uri("fresh://" + word)
                    .text("text/plain", "A new note about " + word + ": it was published a moment ago.")
                    .fetchedAt(Instant.now())
                    .build();
            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>(
                    Topics.DOCS_RAW, document.docId(), serde.serialize(Topics.DOCS_RAW, document)));
            producer.flush();
            String body = Json.mapper()
                    .writeValueAsString(Map.of(
                            "query",
                            word,
                            "topK",
                            1,
                            "mode",
                            "dense",
                            "filter",
                            Map.of("docIds", List.of(document.docId()))));
            while (true) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort + "/v1/search"))
                                .header("Authorization", "Bearer " + KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode hits = Json.mapper().readTree(response.body()).path("hits");
                if (response.statusCode() == 200 && !hits.isEmpty()) {
                    latencies[i] = System.nanoTime() - sent;
                    break;
                }
                if (System.nanoTime() - sent > Duration.ofMinutes(2).toNanos()) {
                    throw new IllegalStateException(document.uri() + " was not searchable within 2 minutes");
                }
                Thread.sleep(10);
            }
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return latencies;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double p99(long[] sorted) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    }
}
