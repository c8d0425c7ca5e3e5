package io.ragstream.bench;

import io.ragstream.chunker.Chunker;
import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.chunker.ChunkerService;
import io.ragstream.chunker.ChunkerSettings;
import io.ragstream.chunker.DocumentChunking;
import io.ragstream.chunker.Parsers;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedding.ModelSpec;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Documents per second through the chunker topology on a real broker with exactly-once processing, against the pure
 * parse-and-chunk core on the same documents in the same run.
 */
@Command(
        name = "chunker",
        mixinStandardHelpOptions = true,
        description = "Chunker topology on a real broker (exactly-once) against the pure parse+chunk core.")
final class ChunkerBench implements Callable<Integer> {

    @Option(names = "--corpus", description = "HTML and Markdown documents to use (default: ${DEFAULT-VALUE})")
    Path corpus = Path.of("samples/corpus");

    @Option(names = "--documents", description = "documents per corpus (default: ${DEFAULT-VALUE})")
    int documents = 1500;

    @Option(
            names = "--commit-interval-ms",
            description = "Streams commit interval under exactly-once (default: ${DEFAULT-VALUE})")
    int commitIntervalMs = 100;

    @Option(names = "--partitions", description = "partitions of the topics (default: ${DEFAULT-VALUE})")
    int partitions = 1;

    @Option(names = "--threads", description = "Streams threads (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Override
    public Integer call() throws Exception {
        List<RawDocument> html = htmlCorpus();
        List<RawDocument> pdf = pdfCorpus();
        System.out.printf(
                "ragstream bench: chunker, %d HTML documents (%.1f MB) and %d PDF documents (%.1f MB); topology: %d"
                        + " partition(s), %d stream thread(s), exactly-once, commit every %d ms, broker in this JVM%n",
                html.size(), megabytes(html), pdf.size(), megabytes(pdf), partitions, threads, commitIntervalMs);

        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        List<String[]> rows = new ArrayList<>();
        try (Tokenizer tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
                Parsers parsers = new Parsers(5_000_000, Duration.ofSeconds(60))) {
            ChunkerSettings settings = ChunkerSettings.forModel(ModelSpec.BGE_SMALL_EN_V15_Q, tokenizer);
            DocumentChunking core = new DocumentChunking(parsers, new Chunker(tokenizer, settings), Clock.systemUTC());
            for (var set : List.of(Map.entry("HTML", html), Map.entry("PDF", pdf))) {
                double pure = pureCore(core, set.getValue());
                double topology = topology(kafka, set.getValue());
                rows.add(new String[] {
                    set.getKey(),
                    "%.1f".formatted(pure),
                    "%.2f"
                            .formatted(pure
                                    * megabytes(set.getValue())
                                    / set.getValue().size()),
                    "%.1f".formatted(topology),
                    "%.2f"
                            .formatted(topology
                                    * megabytes(set.getValue())
                                    / set.getValue().size()),
                    "%.2fx".formatted(topology / pure)
                });
            }
        } finally {
            kafka.stop();
        }
        String format = "| %-6s | %10s | %9s | %13s | %12s | %17s |%n";
        System.out.println();
        System.out.printf(
                format, "corpus", "core docs/s", "core MB/s", "topology docs/s", "topology MB/s", "topology / core");
        System.out.printf(
                format, "-".repeat(6), "-".repeat(10), "-".repeat(9), "-".repeat(13), "-".repeat(12), "-".repeat(17));
        rows.forEach(row -> System.out.printf(format, (Object[]) row));
        System.out.println("goal: topology / core >= 0.7x (Kafka, exactly-once and state cost at most 30%)");
        return 0;
    }

    /** Parse and chunk alone, one document after another, as one stream thread would. */
    private static double pureCore(DocumentChunking core, List<RawDocument> docs) {
        docs.forEach(doc -> core.chunk(doc, 0)); // warm-up: one full pass, so neither side is measured while JIT warms
        long start = System.nanoTime();
        docs.forEach(doc -> core.chunk(doc, 0));
        return docs.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** From the first record produced to the last chunk message readable with read_committed. */
    private double topology(KafkaFixture kafka, List<RawDocument> docs) throws Exception {
        Path state = Files.createTempDirectory("ragstream-bench-streams-");
        ChunkerConfig defaults = ChunkerConfig.defaults();
        ChunkerConfig config = new ChunkerConfig(
                kafka.uniqueName("bench-chunker"),
                new TopicSetup(true, partitions, (short) 1),
                defaults.chunker(),
                defaults.model());
        Map<String, String> streams = Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "state.dir",
                state.toString(),
                "commit.interval.ms",
                "100");
        try (ChunkerService service = ChunkerService.start(config, streams)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (service.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig(kafka.uniqueName("bench")));
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            try (var consumer =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.CHUNKS));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                consumer.seekToEnd(consumer.assignment());
                consumer.assignment().forEach(consumer::position);
                Map<String, Object> producerConfig = new HashMap<>(kafka.producerConfig());
                producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
                Set<String> pending =
                        new HashSet<>(docs.stream().map(RawDocument::docId).toList());
                long start = System.nanoTime();
                try (var producer =
                        new KafkaProducer<>(producerConfig, new StringSerializer(), new RawDocumentSerde())) {
                    docs.forEach(doc -> producer.send(new ProducerRecord<>(Topics.DOCS_RAW, doc.docId(), doc)));
                }
                while (!pending.isEmpty()) {
                    consumer.poll(Duration.ofMillis(100)).forEach(record -> pending.remove(record.key()));
                    if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                        throw new IllegalStateException(
                                pending.size() + " documents were not chunked within 5 minutes");
                    }
                }
                return docs.size() / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** The corpus's HTML and Markdown documents, cycled with a distinct line each so every one is a new document. */
    private List<RawDocument> htmlCorpus() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(f -> f.toString().endsWith(".html")).sorted().toList();
        }
        List<RawDocument> docs = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            Path file = files.get(i % files.size());
            String html = Files.readString(file).replace("</body>", "<p>Copy " + i + ".</p></body>");
            docs.add(RawDocument.builder()
                    .source("bench")
                    .uri("https://bench.test/html/" + i)
                    .text("text/html; charset=utf-8", html)
                    .build());
        }
        return docs;
    }

    /** PDFs made from the corpus's Markdown text, a few pages each. */
    private List<RawDocument> pdfCorpus() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(corpus)) {
            for (Path file : walk.filter(
                            f -> f.toString().endsWith(".md") && f.toString().contains("/en/"))
                    .sorted()
                    .toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    for (int at = 0; at < line.length(); at += 90) {
                        lines.add(line.substring(at, Math.min(line.length(), at + 90)));
                    }
                }
            }
        }
        List<RawDocument> docs = new ArrayList<>();
        for (int i = 0; i < documents / 3; i++) {
            docs.add(RawDocument.builder()
                    .source("bench")
                    .uri("https://bench.test/pdf/" + i + ".pdf")
                    .bytes("application/pdf", pdf(lines, i))
                    .build());
        }
        return docs;
    }

    private static byte[] pdf(List<String> lines, int variant) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            int line = variant % lines.size();
            for (int page = 0; page < 3; page++) {
                PDPage pdfPage = new PDPage();
                document.addPage(pdfPage);
                try (PDPageContentStream content = new PDPageContentStream(document, pdfPage)) {
                    content.beginText();
                    content.setFont(font, 10);
                    content.setLeading(13);
                    content.newLineAtOffset(50, 740);
                    content.showText("Variant " + variant + ", page " + page);
                    for (int row = 0; row < 50; row++) {
                        content.newLine();
                        content.showText(lines.get(line++ % lines.size()).replaceAll("[^\\x20-\\x7E]", " "));
                    }
                    content.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static double megabytes(List<RawDocument> docs) {
        return docs.stream().mapToLong(doc -> doc.contentBytes().length).sum() / 1e6;
    }
}
