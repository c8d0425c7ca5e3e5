package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.ingest.MediaTypes;
import io.ragstream.ingest.files.FileLoader;
import io.ragstream.ingest.files.FileLoaderConfig;
import io.ragstream.ingest.upload.UploadApi;
import io.ragstream.ingest.upload.UploadConfig;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.reliability.BadInputCorpus.Case;
import io.ragstream.status.StatusView;
import io.ragstream.testkit.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at every entry point: the same corpus (corrupt and encrypted PDFs, a zip-bomb DOCX, a 100 MB file, random
 * bytes called text, broken records, empty content, mislabelled charsets, a 1 MB line, HTML 100,000 levels deep, a
 * 10 KB id) goes in through an outside producer on {@code docs.raw}, the upload API and the file loader, each bad input
 * between good documents, while the chunker and the embedder run as child processes. Each bad input must be refused at
 * the door with a clear 4xx or exception, or land in a dead-letter topic with its reason, unless it is a valid document
 * after all; every good document behind it must be indexed. The report prints where each case ended at each entry point.
 *
 * <p>Rows marked with a finding are product bugs; they fail the test ({@code -Dreliability.bad-input.strict=false}
 * reports them without failing, for investigating one). The zip bomb goes in last, in a round of its own
 * with a bounded wait: it can put the chunker into a loop (a finding), and the other cases must not depend on luck.
 */
class BadInputIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final String TENANT = "acme";
    private static final String API_KEY = "bad-input-key";
    private static final long SEED = Long.getLong("reliability.seed", 20261122L);
    private static final Duration SETTLE = Duration.ofMinutes(Long.getLong("reliability.bad-input.settle-minutes", 4));
    /** How long the zip-bomb round may take before it counts as a stall; three bombs take about 45 s on 2 cores. */
    private static final Duration BOMB_ROUND_WAIT =
            Duration.ofSeconds(Long.getLong("reliability.bad-input.bomb-round-seconds", 120));
    /** The same document parsed this often by the chunker without a committed outcome is a loop, not a retry. */
    private static final int PARSES_MAKING_A_LOOP = 3;

    private static final boolean STRICT =
            Boolean.parseBoolean(System.getProperty("reliability.bad-input.strict", "true"));
    private static final List<Set<Case>> ROUNDS =
            List.of(EnumSet.complementOf(EnumSet.of(Case.ZIP_BOMB_DOCX)), EnumSet.of(Case.ZIP_BOMB_DOCX));
    /** Child logs outlive the temporary directory, for a look after a failure. */
    private static final Path LOGS = Path.of(System.getProperty("reliability.bad-input.logs", "target/bad-input"));

    private static final int REASON_CHARS = 170;

    enum EntryPoint {
        DOCS_RAW("docs.raw producer", "raw"),
        UPLOAD("upload API", "upload"),
        FILES("file loader", "files");

        private final String label;
        private final String source;

        EntryPoint(String label, String source) {
            this.label = label;
            this.source = source;
        }
    }

    /** What happened at the door. */
    sealed interface Door {}

    /** Refused, with the words the entry point used. */
    record Refused(String how) implements Door {}

    /** Taken in and published to {@code docs.raw} under this key; the version is empty for a record with none. */
    record Accepted(String docId, Optional<String> version) implements Door {}

    /** Neither refused nor published: silently dropped at the door. */
    record Lost(String what) implements Door {}

    record NotApplicable(String why) implements Door {}

    /** One case at one entry point in one round; {@code finding} is a product bug seen at the door. */
    record Row(int round, Case input, EntryPoint entry, Door door, Optional<String> finding) {
        Row(int round, Case input, EntryPoint entry, Door door) {
            this(round, input, entry, door, Optional.empty());
        }
    }

    record Good(int round, EntryPoint entry, String docId, String version) {}

    /** Where a row ended, whether that meets the requirement, and the finding it shows, if any. */
    record Ending(String where, Optional<String> problem, List<String> findings) {}

    @TempDir
    Path dir;

    @Test
    void everyBadInputIsRefusedOrDeadLetteredAndTheGoodDocumentsBehindItAreIndexed() throws Exception {
        long start = System.nanoTime();
        kafka.createTopics(Topics.newTopics(2, (short) 1));
        Files.createDirectories(LOGS);
        Files.deleteIfExists(LOGS.resolve("chunker.log"));
        Files.deleteIfExists(LOGS.resolve("embedder.log"));
        try (ChildService chunker = new ChildService(
                        "chunker",
                        "io.ragstream.chunker.ChunkerMain",
                        chunkerEnvironment(),
                        LOGS.resolve("chunker.log"));
                ChildService embedder = new ChildService(
                        "embedder",
                        "io.ragstream.embedder.EmbedderMain",
                        embedderEnvironment(),
                        LOGS.resolve("embedder.log"));
                StatusView statuses = StatusView.start(kafka.consumerConfig("unused"));
                PipelineTap tap = PipelineTap.start(kafka.consumerConfig("unused"));
                KafkaProducer<String, byte[]> producer = outsideProducer();
                KafkaDocumentSink uploadSink = KafkaDocumentSink.toDocsRaw(kafka.producerConfig());
                UploadApi api = UploadApi.start(
                        UploadConfig.defaults().withHttpPort(0).withKeys(TENANT + ":" + API_KEY),
                        uploadSink,
                        Optional.of(statuses));
                KafkaDocumentSink filesSink = KafkaDocumentSink.toDocsRaw(kafka.producerConfig())) {
            chunker.start();
            embedder.start();
            List<ChildService> services = List.of(chunker, embedder);
            List<BadInputCorpus> corpora = new ArrayList<>();
            for (int round = 0; round < ROUNDS.size(); round++) {
                corpora.add(BadInputCorpus.write(dir.resolve("round-" + round), ROUNDS.get(round), SEED));
            }
            System.out.printf("bad input: corpus written in %.1f s%n", (System.nanoTime() - start) / 1e9);

            List<Row> rows = new ArrayList<>();
            List<Good> goods = new ArrayList<>();
            Map<Integer, String> stalls = new HashMap<>();
            UploadClient client = new UploadClient(api.port(), API_KEY);
            List<List<Good>> sentinels = new ArrayList<>();
            List<Long> deadlines = new ArrayList<>();
            for (int round = 0; round < ROUNDS.size(); round++) {
                Set<Case> cases = ROUNDS.get(round);
                viaDocsRaw(corpora.get(round), cases, round, producer, rows, goods);
                viaUpload(corpora.get(round), cases, round, client, rows, goods);
                viaFileLoader(corpora.get(round), cases, round, filesSink, rows, goods);
                sentinels.add(publishSentinels(producer, round));
                deadlines.add(System.nanoTime() + (round == 0 ? SETTLE : BOMB_ROUND_WAIT).toNanos());
                if (round + 1 < ROUNDS.size()) {
                    // The chunker is through this round before the next goes in, so a stall there cannot hold it
                    // back; the embedder goes on indexing it meanwhile.
                    Optional<String> stall = awaitSentinels(
                            sentinels.get(round),
                            DocumentStatus.Stage.CHUNKED,
                            deadlines.get(round),
                            watched(rows, round),
                            statuses,
                            services);
                    if (stall.isPresent()) {
                        throw new AssertionError("the chunker did not get through the bad input of round " + round
                                + ": " + stall.get() + "; see the child logs in " + LOGS.toAbsolutePath());
                    }
                }
            }
            for (int round = 0; round < ROUNDS.size(); round++) {
                Optional<String> stall = awaitSentinels(
                        sentinels.get(round),
                        DocumentStatus.Stage.INDEXED,
                        deadlines.get(round),
                        watched(rows, round),
                        statuses,
                        services);
                if (stall.isPresent() && round == 0) {
                    throw new AssertionError("the pipeline did not get through the bad input: " + stall.get()
                            + "; see the child logs in " + LOGS.toAbsolutePath());
                }
                final int current = round;
                stall.ifPresent(reason -> stalls.put(current, reason));
                System.out.printf(
                        "bad input: round %d (%s) drained %.1f s after the start%s%n",
                        round,
                        ROUNDS.get(round).stream().map(Case::label).collect(Collectors.joining(", ")),
                        (System.nanoTime() - start) / 1e9,
                        stall.map(reason -> ", STALLED: " + reason).orElse(""));
            }
            tap.awaitCaughtUp(kafka.admin(), Duration.ofSeconds(60));

            List<Good> goodsNotIndexed = notIndexed(goods, statuses, stalls);
            List<String> problems = new ArrayList<>(report(rows, tap, stalls, goodsNotIndexed));
            printStatusOfADeadLetteredUpload(rows, tap, statuses, client);
            System.out.printf(
                    "bad input: %d good documents (%s) between the bad ones, %d not indexed; whole run %.1f s%n",
                    goods.size(),
                    Stream.of(EntryPoint.values())
                            .map(e -> goods.stream().filter(g -> g.entry() == e).count() + " via " + e.label)
                            .collect(Collectors.joining(", ")),
                    goodsNotIndexed.size(),
                    (System.nanoTime() - start) / 1e9);

            assertThat(rows).hasSize(Case.values().length * EntryPoint.values().length);
            assertThat(goods)
                    .as("good documents published through every entry point")
                    .extracting(Good::entry)
                    .containsAll(List.of(EntryPoint.values()));
            for (ChildService service : services) {
                assertThat(service.alive())
                        .as(service.name() + " died on its own; see " + service.log())
                        .isTrue();
            }
            assertThat(problems)
                    .as("bad inputs neither refused nor dead-lettered as required, and good documents not indexed")
                    .isEmpty();
        }
    }

    /** As FaultInjectionIT runs them: settings as environment variables, topics made by the test. */
    private Map<String, String> chunkerEnvironment() throws IOException {
        Map<String, String> environment = commonEnvironment();
        environment.put("RAGSTREAM_APPLICATION_ID", "bad-input-chunker");
        environment.put(
                "KAFKA_STATE_DIR",
                Files.createDirectories(dir.resolve("chunker-state")).toString());
        return environment;
    }

    /** On the embedded Lucene store: this test is about the input, not the store. */
    private Map<String, String> embedderEnvironment() throws IOException {
        Map<String, String> environment = commonEnvironment();
        environment.put("RAGSTREAM_GROUP_ID", "bad-input-embedder");
        environment.put("RAGSTREAM_COLLECTION", "bad_input");
        environment.put("RAGSTREAM_HTTP_PORT", Integer.toString(freePort()));
        environment.put("RAGSTREAM_STORE_KIND", "lucene");
        environment.put("RAGSTREAM_STORE_DIRECTORY", dir.resolve("index").toString());
        return environment;
    }

    private static Map<String, String> commonEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("RAGSTREAM_TOPICS_CREATE", "false");
        environment.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        environment.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
        return environment;
    }

    // --- the entry points ------------------------------------------------------------------------------------------

    /** An outside system's producer: records written as it likes, good and bad, each bad one between two good ones. */
    private static void viaDocsRaw(
            BadInputCorpus corpus,
            Set<Case> cases,
            int round,
            KafkaProducer<String, byte[]> producer,
            List<Row> rows,
            List<Good> goods)
            throws Exception {
        int n = 0;
        for (Case input : cases) {
            goods.add(publishGood(producer, round, goodName(round, n++)));
            rows.add(new Row(round, input, EntryPoint.DOCS_RAW, sendRaw(producer, rawRecord(input, corpus))));
        }
        goods.add(publishGood(producer, round, goodName(round, n)));
    }

    private record RawRecord(String key, byte[] value, Optional<String> version) {}

    private static RawRecord rawRecord(Case input, BadInputCorpus corpus) throws IOException {
        String uri = "raw://bad/" + input.name().toLowerCase(Locale.ROOT);
        return switch (input) {
            case FILE_100_MB -> streamedBase64Record(uri, input.contentType(), corpus.file(input));
            case INVALID_JSON -> {
                RawDocument document = textDocument(uri, "A record cut in half.");
                byte[] json = Json.mapper().writeValueAsBytes(document);
                yield new RawRecord(document.docId(), Arrays.copyOf(json, json.length / 2), Optional.empty());
            }
            case SCHEMA_BREAKING_JSON -> {
                RawDocument document = textDocument(uri, "A record without its hash, with tags of the wrong type.");
                ObjectNode tree = Json.mapper().valueToTree(document);
                tree.remove("contentHash");
                tree.put("tags", "not-an-array");
                yield new RawRecord(document.docId(), Json.mapper().writeValueAsBytes(tree), Optional.empty());
            }
            case SCHEMA_VERSION_2 -> {
                RawDocument document = textDocument(uri, "A record from a future version of the contract.");
                ObjectNode tree = Json.mapper().valueToTree(document);
                tree.put("schemaVersion", 2);
                yield new RawRecord(
                        document.docId(), Json.mapper().writeValueAsBytes(tree), Optional.of(document.version()));
            }
            case ID_10_KB -> {
                String docId = BadInputCorpus.longId("raw:");
                ObjectNode tree = Json.mapper().valueToTree(textDocument(uri, "A document whose id is 10 KB long."));
                tree.put("docId", docId);
                yield new RawRecord(docId, Json.mapper().writeValueAsBytes(tree), Optional.empty());
            }
            default -> {
                // As a careful producer writes it: text when it is text, else base64. An outside producer need not
                // use ragstream's codec, so nothing is checked before the record is sent.
                byte[] bytes = corpus.bytes(input);
                RawDocument.Builder builder = RawDocument.builder()
                        .tenant(TENANT)
                        .source("raw")
                        .uri(uri)
                        .fetchedAt(Instant.now());
                RawDocument document = MediaTypes.asText(input.contentType(), bytes)
                        .map(text -> builder.text(input.contentType(), text))
                        .orElseGet(() -> builder.bytes(input.contentType(), bytes))
                        .build();
                yield new RawRecord(
                        document.docId(), Json.mapper().writeValueAsBytes(document), Optional.of(document.version()));
            }
        };
    }

    private static Door sendRaw(KafkaProducer<String, byte[]> producer, RawRecord record)
            throws InterruptedException, TimeoutException {
        try {
            producer.send(new ProducerRecord<>(Topics.DOCS_RAW, record.key(), record.value()))
                    .get(60, TimeUnit.SECONDS);
            return new Accepted(record.key(), record.version());
        } catch (ExecutionException e) {
            return new Refused(e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        }
    }

    /**
     * The 100 MB file as a valid record, base64 written straight into one array of the record's exact size: the
     * producer must refuse it for its size, and the test JVM must not hold three copies of it on the way.
     */
    private static RawRecord streamedBase64Record(String uri, String contentType, Path file) throws IOException {
        MessageDigest sha256;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256 = sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String placeholder = "@content@";
        RawDocument shape = RawDocument.builder()
                .tenant(TENANT)
                .source("raw")
                .uri(uri)
                .bytes(contentType, new byte[1])
                .fetchedAt(Instant.now())
                .build();
        ObjectNode tree = Json.mapper().valueToTree(shape);
        tree.put("content", placeholder);
        tree.put("contentHash", HexFormat.of().formatHex(sha256.digest()));
        String json = Json.mapper().writeValueAsString(tree);
        int at = json.indexOf(placeholder);
        byte[] head = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = json.substring(at + placeholder.length()).getBytes(StandardCharsets.UTF_8);
        long base64Bytes = (Files.size(file) + 2) / 3 * 4;
        var out = new BadInputCorpus.FixedArrayOutputStream(Math.toIntExact(head.length + base64Bytes + tail.length));
        out.write(head);
        try (InputStream in = Files.newInputStream(file);
                OutputStream base64 = Base64.getEncoder().wrap(out)) {
            in.transferTo(base64);
        }
        out.write(tail);
        return new RawRecord(shape.docId(), out.filled(), Optional.empty());
    }

    /** A client of the upload API: each case as a JSON upload between two good ones, the 100 MB file as multipart. */
    private static void viaUpload(
            BadInputCorpus corpus, Set<Case> cases, int round, UploadClient client, List<Row> rows, List<Good> goods)
            throws IOException, InterruptedException {
        int n = 0;
        for (Case input : cases) {
            goods.add(uploadGood(client, round, goodName(round, n++)));
            rows.add(new Row(round, input, EntryPoint.UPLOAD, upload(input, corpus, client)));
        }
        goods.add(uploadGood(client, round, goodName(round, n)));
    }

    private static Door upload(Case input, BadInputCorpus corpus, UploadClient client)
            throws IOException, InterruptedException {
        String id = uploadId(input);
        if (input.fileName().isEmpty() && input != Case.ID_10_KB) {
            return new NotApplicable(
                    "the API writes the docs.raw record itself; a client sends its own JSON, not a RawDocument");
        }
        ObjectNode body = Json.mapper().createObjectNode().put("contentType", input.contentType());
        UploadClient.Response response =
                switch (input) {
                    case FILE_100_MB -> client.postFile(id, corpus.file(input), input.contentType());
                    case ID_10_KB ->
                        client.post(body.put("id", BadInputCorpus.longId("upload-"))
                                .put("text", "A document whose id is 10 KB long."));
                    case EMPTY_CONTENT -> client.put(id, body.put("text", ""));
                    default ->
                        client.put(id, body.put("base64", Base64.getEncoder().encodeToString(corpus.bytes(input))));
                };
        return response.published()
                ? new Accepted(response.docId(), Optional.of(response.version()))
                : new Refused(response.refusal());
    }

    /**
     * The file loader over one folder holding every file case and the good files beside them. An exception that ends
     * the scan is answered as an operator would: the file that caused it (the test's sink knows which; the exception does
     * not say) is moved away and the folder scanned again.
     */
    private void viaFileLoader(
            BadInputCorpus corpus,
            Set<Case> cases,
            int round,
            KafkaDocumentSink kafkaSink,
            List<Row> rows,
            List<Good> goods)
            throws IOException {
        Path root = corpus.directory();
        List<String> goodFiles = new ArrayList<>();
        for (int n = 0;
                n <= cases.stream().filter(c -> c.fileName().isPresent()).count();
                n++) {
            String name = goodName(round, n) + ".md";
            Files.writeString(root.resolve(name), goodText(EntryPoint.FILES, name));
            goodFiles.add(name);
        }
        FileLoaderConfig config = new FileLoaderConfig(
                List.of(root),
                List.of("**"),
                List.of("**/.*", "**/.*/**"),
                FileLoaderConfig.DEFAULT_MAX_FILE_BYTES,
                TENANT,
                EntryPoint.FILES.source,
                Duration.ofMinutes(5),
                Duration.ofMillis(500),
                false);
        RecordingSink sink = new RecordingSink(kafkaSink);
        Map<String, String> scanEnders = new LinkedHashMap<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path movedAway = Files.createDirectories(dir.resolve("moved-away-" + round));
        try (FileLoader loader = new FileLoader(config, sink, IngestState.inMemory(), new IngestCounters())) {
            for (int scan = 0; scan <= cases.size(); scan++) {
                Optional<RuntimeException> ended = scanCopyingStderr(loader, log);
                if (ended.isEmpty()) {
                    break;
                }
                String culprit = sink.lastRefused.orElseThrow(() -> ended.get());
                List<String> names;
                try (Stream<Path> files = Files.list(root)) {
                    names = files.map(file -> file.getFileName().toString()).toList();
                }
                long notReached = names.stream()
                        .filter(name -> !sink.handed.containsKey(name))
                        .filter(name -> skippedInLog(log, root.resolve(name)).isEmpty())
                        .count();
                scanEnders.put(
                        culprit,
                        ("the %s it threw ended FileLoader.scan(): %d of the %d files in the folder, which the walk had"
                                        + " not reached yet, were not published until %s was moved away (in watch mode"
                                        + " every rescan would end there again); the exception does not name the file")
                                .formatted(ended.get().getClass().getSimpleName(), notReached, names.size(), culprit));
                Files.move(root.resolve(culprit), movedAway.resolve(culprit));
                sink.lastRefused = Optional.empty();
            }
        }
        for (Case input : cases) {
            if (input.fileName().isEmpty()) {
                rows.add(new Row(
                        round,
                        input,
                        EntryPoint.FILES,
                        new NotApplicable(
                                input == Case.ID_10_KB
                                        ? "the loader derives the docId from the file's URI; a file name is at most 255 bytes"
                                        : "the loader writes the docs.raw record itself")));
                continue;
            }
            String name = input.fileName().get();
            Door door = Optional.ofNullable(sink.handed.get(name))
                    .or(() -> skippedInLog(log, root.resolve(name)).map(Refused::new))
                    .orElseGet(() -> new Lost("the loader neither published it nor said why it skipped it"));
            rows.add(new Row(round, input, EntryPoint.FILES, door, Optional.ofNullable(scanEnders.get(name))));
        }
        for (String name : goodFiles) {
            if (sink.handed.get(name) instanceof Accepted accepted) {
                goods.add(new Good(
                        round,
                        EntryPoint.FILES,
                        accepted.docId(),
                        accepted.version().orElseThrow()));
            } else {
                throw new AssertionError("good file " + name + " was not published: " + sink.handed.get(name));
            }
        }
    }

    /**
     * The loader says why it skips a file only in its log; slf4j-simple writes that to stderr, which is copied while the
     * loader scans, so the report quotes the loader's own words.
     */
    private static Optional<RuntimeException> scanCopyingStderr(FileLoader loader, ByteArrayOutputStream copy) {
        PrintStream original = System.err;
        System.setErr(new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        original.write(b);
                        copy.write(b);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        original.write(bytes, offset, length);
                        copy.write(bytes, offset, length);
                    }
                },
                true,
                StandardCharsets.UTF_8));
        try {
            loader.scan();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e);
        } finally {
            System.setErr(original);
        }
    }

    private static Optional<String> skippedInLog(ByteArrayOutputStream log, Path file) {
        String marker = "files skipped path=" + file.toAbsolutePath();
        return log.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains(marker + " "))
                .map(line -> line.substring(line.indexOf("files skipped")))
                .findFirst();
    }

    /** Passes documents on to Kafka and remembers, by file name, whether each was published or refused. */
    private static final class RecordingSink implements DocumentSink {
        private final DocumentSink sink;
        private final Map<String, Door> handed = new ConcurrentHashMap<>();
        private volatile Optional<String> lastRefused = Optional.empty();

        RecordingSink(DocumentSink sink) {
            this.sink = sink;
        }

        @Override
        public void publish(RawDocument document) {
            String name = document.title().orElse(document.uri());
            try {
                sink.publish(document);
                handed.put(name, new Accepted(document.docId(), Optional.of(document.version())));
            } catch (RuntimeException e) {
                handed.put(name, new Refused(e.getClass().getSimpleName() + ": " + e.getMessage()));
                lastRefused = Optional.of(name);
                throw e;
            }
        }

        @Override
        public void delete(String docId, String tenant) {
            sink.delete(docId, tenant);
        }

        @Override
        public void close() {
            // The Kafka sink is the test's to close.
        }
    }

    // --- where each case ended -------------------------------------------------------------------------------------

    /**
     * Prints one row per case and entry point, then the findings; returns what breaks the requirement (and the findings
     * too when strict).
     */
    private static List<String> report(
            List<Row> rows, PipelineTap tap, Map<Integer, String> stalls, List<Good> goodsNotIndexed) {
        List<String> problems = new ArrayList<>();
        Map<String, String> findings = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("| case | entry point | where it ended |\n|---|---|---|\n");
        List<Row> ordered = rows.stream()
                .sorted(Comparator.comparing(Row::entry).thenComparing(Row::input))
                .toList();
        for (Row row : ordered) {
            Ending ending = ending(row, tap, Optional.ofNullable(stalls.get(row.round())));
            StringBuilder where = new StringBuilder(ending.where());
            for (String finding : ending.findings()) {
                where.append(" [FINDING ")
                        .append(findings.computeIfAbsent(finding, f -> "F" + (findings.size() + 1)))
                        .append(']');
            }
            ending.problem()
                    .ifPresent(problem ->
                            problems.add(row.input().label() + " via " + row.entry().label + ": " + problem));
            table.append("| %s | %s | %s |%n".formatted(row.input().label(), row.entry().label, where));
        }
        for (Good good : goodsNotIndexed) {
            String what =
                    "good document %s via %s is not indexed at its version".formatted(good.docId(), good.entry().label);
            if (stalls.containsKey(good.round())) {
                findings.computeIfAbsent(
                        "good documents published after the zip bombs were not indexed: the stall holds them back",
                        f -> "F" + (findings.size() + 1));
            } else {
                problems.add(what);
            }
        }
        System.out.println("bad input: where each case ended\n" + table);
        findings.forEach((finding, id) -> System.out.println(id + ": " + finding));
        if (STRICT) {
            problems.addAll(findings.keySet());
        }
        return problems;
    }

    /**
     * The good documents not indexed at their version (the latest status, not only one seen on the way); those of a
     * round that stalled are not waited for.
     */
    private static List<Good> notIndexed(List<Good> goods, StatusView statuses, Map<Integer, String> stalls)
            throws InterruptedException {
        List<Good> notIndexed = new ArrayList<>();
        for (Good good : goods) {
            Duration wait = stalls.containsKey(good.round()) ? Duration.ofMillis(100) : Duration.ofSeconds(30);
            StatusView.Wait outcome = statuses.awaitVersion(good.docId(), good.version(), wait);
            boolean latest = outcome.latest()
                    .map(s -> s.stage() == DocumentStatus.Stage.INDEXED
                            && s.version().equals(Optional.of(good.version())))
                    .orElse(false);
            if (outcome.outcome() != StatusView.Outcome.INDEXED || !latest) {
                notIndexed.add(good);
            }
        }
        return notIndexed;
    }

    /**
     * The two cases that are valid documents after all: a 1 MiB line of words is under every limit
     * (chunker.max-extracted-chars 5,000,000, files.max-file-bytes 20 MiB, a 32 MiB record) and the README says text
     * with no breaks is cut at words and then tokens; HTML nested 100,000 deep is parsed by jsoup, which caps its tree at
     * 512 levels (Parser#setMaxDepth) and walks it without recursion, and no depth limit is documented for HTML. Both
     * must be indexed with chunks, not dead-lettered.
     */
    private static boolean validDocumentAfterAll(Case input) {
        return input == Case.ONE_MB_SINGLE_LINE || input == Case.DEEP_HTML;
    }

    private static Ending ending(Row row, PipelineTap tap, Optional<String> stall) {
        List<String> findings = new ArrayList<>(row.finding().stream().toList());
        return switch (row.door()) {
            case NotApplicable n -> new Ending("n/a: " + n.why(), Optional.empty(), findings);
            case Lost lost -> new Ending("LOST at the door: " + lost.what(), Optional.of(lost.what()), findings);
            case Refused refused -> {
                boolean clear = !refused.how().isBlank()
                        && (row.entry() != EntryPoint.UPLOAD || refused.how().matches("HTTP 4\\d\\d .+"));
                yield new Ending(
                        "refused: " + shorten(refused.how()),
                        clear ? Optional.empty() : Optional.of("refused without a 4xx and a message: " + refused.how()),
                        findings);
            }
            case Accepted accepted -> accepted(row.input(), accepted, tap, stall, findings);
        };
    }

    /** From the tap, which has read everything by now: the dead letters and every status of the document. */
    private static Ending accepted(
            Case input, Accepted accepted, PipelineTap tap, Optional<String> stall, List<String> findings) {
        List<PipelineTap.Letter> letters = tap.letters(accepted.docId());
        List<DocumentStatus> history = tap.statuses(accepted.docId());
        Optional<DocumentStatus> latest = history.isEmpty() ? Optional.empty() : Optional.of(history.getLast());
        if (letters.isEmpty()) {
            boolean indexed = latest.map(s -> s.stage() == DocumentStatus.Stage.INDEXED
                            && s.version().equals(accepted.version())
                            && s.chunkCount().orElse(0) > 0)
                    .orElse(false);
            if (!indexed && stall.isPresent()) {
                findings.add(stallFinding());
                long parses = ChunkerLog.deadLetterLines(accepted.docId());
                String how = parses == 0
                        ? "never parsed: it waits behind the zip bomb the chunker is stuck on"
                        : "the chunker dead-lettered it %s, in transactions fenced before their commit"
                                .formatted(times(parses));
                return new Ending(
                        "STALLED: " + how + "; no DLQ record, latest status " + describe(latest),
                        Optional.empty(),
                        findings);
            }
            String where = indexed
                    ? "indexed (" + chunks(latest.get().chunkCount().orElseThrow()) + ")"
                    : "LOST: accepted, no dead letter, latest status " + describe(latest);
            Optional<String> problem = indexed && validDocumentAfterAll(input)
                    ? Optional.empty()
                    : Optional.of(where + (indexed ? ", but it is not a valid document" : ""));
            return new Ending(where, problem, findings);
        }
        PipelineTap.Letter letter = letters.getFirst();
        Optional<DeadLetter> reason = letter.reason();
        StringBuilder where = new StringBuilder("DLQ ")
                .append(letter.topic())
                .append(reason.map(r -> " (" + r.stage() + "): " + shorten(r.errorMessage()))
                        .orElse(": no ragstream.dlq headers"));
        Optional<DocumentStatus> failed = history.stream()
                .filter(s -> s.stage() == DocumentStatus.Stage.FAILED)
                .findFirst();
        where.append("; status ").append(failed.isPresent() ? "failed" : "never failed");
        if (latest.isPresent() && latest.get().stage() != DocumentStatus.Stage.FAILED) {
            where.append(", then ").append(describe(latest));
            findings.add("the status of a document the chunker dead-lettered ends indexed (0 chunks), not failed: the"
                    + " chunker publishes failed and emits the version with no chunks (so older chunks leave the store),"
                    + " then the embedder indexes that empty version and publishes indexed for it; the README says"
                    + " \"its status says failed with the reason\", and status readers are told the unreadable version"
                    + " is indexed (see the status answer printed below)");
        }
        reason.filter(r -> r.errorMessage().contains("OutOfMemoryError"))
                .ifPresent(r -> findings.add("the zip-bomb DOCX is dead-lettered only because its parse ran the"
                        + " chunker's heap out (OutOfMemoryError in Tika/POI's XWPF DOM load, xmlbeans"
                        + " CharUtil.allocate): Tika's bomb guards (outputThreshold, maximumCompressionRatio) did not"
                        + " stop it; the chunker's one stream thread stands still while the parse fills the heap, and"
                        + " the OOM could as well hit any other thread of the chunker"));
        List<String> wrong = new ArrayList<>();
        if (validDocumentAfterAll(input)) {
            wrong.add("a valid document was dead-lettered");
        }
        if (reason.map(r -> r.errorMessage().isBlank()).orElse(true)) {
            wrong.add("the dead letter carries no reason");
        }
        if (failed.flatMap(DocumentStatus::reason).isEmpty()) {
            wrong.add("no failed status with a reason was published");
        }
        return new Ending(
                where.toString(),
                wrong.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", wrong) + ": " + where),
                findings);
    }

    /** Why the chunker did not get past a document, in the words of its log. */
    private static String stallFinding() {
        String lostCommit = ChunkerLog.firstLine("Caused by: org.apache.kafka.clients.consumer.CommitFailedException")
                .or(() -> ChunkerLog.firstLine("TaskMigratedException"))
                .orElse("no commit failure in the log");
        String killedThread = ChunkerLog.firstLine("OutOfMemoryError thrown from the UncaughtExceptionHandler")
                .map(line ->
                        " once an OutOfMemoryError of a bomb's parse has killed a Kafka client thread (chunker.log: \""
                                + shorten(line) + "\"),")
                .orElse("");
        return ("the chunker never gets past a zip-bomb DOCX:%s each parse outlasts session.timeout.ms (%s ms here,"
                        + " as in FaultInjectionIT), so the coordinator drops the member, the transaction holding the"
                        + " dead letter is fenced at its commit and the record is read and parsed again, forever"
                        + " (chunker.log: \"%s\"); every later record of its partition waits behind it")
                .formatted(killedThread, commonEnvironment().get("KAFKA_SESSION_TIMEOUT_MS"), shorten(lostCommit));
    }

    private static String describe(Optional<DocumentStatus> status) {
        return status.map(s -> switch (s.stage()) {
                    case INDEXED -> "indexed (" + chunks(s.chunkCount().orElse(0)) + ")";
                    case FAILED -> "failed";
                    default -> s.stage().name().toLowerCase(Locale.ROOT);
                })
                .orElse("none");
    }

    private static String times(long count) {
        return count == 1 ? "once" : count + " times";
    }

    private static String chunks(int count) {
        return count + (count == 1 ? " chunk" : " chunks");
    }

    /**
     * What a client of the upload API is told about a document that was dead-lettered: its status answer and what
     * {@link StatusView#awaitVersion} says of its version.
     */
    private static void printStatusOfADeadLetteredUpload(
            List<Row> rows, PipelineTap tap, StatusView statuses, UploadClient client) throws Exception {
        for (Row row : rows) {
            if (row.entry() == EntryPoint.UPLOAD
                    && row.door() instanceof Accepted accepted
                    && !tap.letters(accepted.docId()).isEmpty()) {
                UploadClient.Response answer = client.status(uploadId(row.input()));
                StatusView.Wait wait = statuses.awaitVersion(
                        accepted.docId(), accepted.version().orElseThrow(), Duration.ofSeconds(5));
                System.out.printf(
                        "bad input: %s, dead-lettered, via the upload API: GET /v1/documents/%s/status answers %d"
                                + " %s; StatusView.awaitVersion says %s%n",
                        row.input().label(), uploadId(row.input()), answer.status(), answer.body(), wait.outcome());
                return;
            }
        }
    }

    private static String uploadId(Case input) {
        return "bad-" + input.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").replace("|", "\\|");
        return line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS - 1) + "…";
    }

    // --- good documents and the end of the run --------------------------------------------------------------------

    /**
     * One good document on each partition behind everything published so far: the chunker and the embedder keep each
     * partition's order, so once both have reached a stage every record before them has been through it.
     */
    private static List<Good> publishSentinels(KafkaProducer<String, byte[]> producer, int round) throws Exception {
        List<Good> sentinels = new ArrayList<>();
        for (int partition = 0, n = 0; partition < 2; n++) {
            String name = "sentinel-" + round + "-" + n;
            String docId = Ids.docId(TENANT, EntryPoint.DOCS_RAW.source, "raw://" + name);
            if (Utils.toPositive(Utils.murmur2(docId.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                sentinels.add(publishGood(producer, round, name));
                partition++;
            }
        }
        return sentinels;
    }

    /**
     * Waits until every sentinel's latest status is at least {@code stage} (chunked, or indexed) at its version. Says
     * why not when the deadline passes, or as soon as the chunker is seen parsing one of {@code watched} again and
     * again.
     */
    private static Optional<String> awaitSentinels(
            List<Good> sentinels,
            DocumentStatus.Stage stage,
            long deadline,
            List<String> watched,
            StatusView statuses,
            List<ChildService> services)
            throws InterruptedException {
        for (Good sentinel : sentinels) {
            while (true) {
                Optional<DocumentStatus> latest = statuses.latest(sentinel.docId());
                boolean reached = latest.filter(s -> s.version().equals(Optional.of(sentinel.version())))
                        .map(s -> s.stage() == DocumentStatus.Stage.INDEXED || s.stage() == stage)
                        .orElse(false);
                if (reached) {
                    break;
                }
                for (ChildService service : services) {
                    assertThat(service.alive())
                            .as(service.name() + " died on its own; see " + service.log())
                            .isTrue();
                }
                for (String docId : watched) {
                    long parses = ChunkerLog.deadLetterLines(docId);
                    if (parses >= PARSES_MAKING_A_LOOP) {
                        return Optional.of("the chunker dead-lettered %s %d times without getting past it"
                                .formatted(docId, parses));
                    }
                }
                if (System.nanoTime() > deadline) {
                    return Optional.of("the good document %s behind the bad ones is %s, not %s, at the deadline"
                            .formatted(
                                    sentinel.docId(),
                                    describe(latest),
                                    stage.name().toLowerCase(Locale.ROOT)));
                }
                Thread.sleep(500);
            }
        }
        return Optional.empty();
    }

    /** The docIds of the bad inputs a round published. */
    private static List<String> watched(List<Row> rows, int round) {
        return rows.stream()
                .filter(row -> row.round() == round)
                .map(Row::door)
                .flatMap(door -> door instanceof Accepted accepted ? Stream.of(accepted.docId()) : Stream.empty())
                .toList();
    }

    /** What the chunker child wrote about a document: the facts a finding quotes, read from its log. */
    private static final class ChunkerLog {
        private ChunkerLog() {}

        static long deadLetterLines(String docId) {
            try (Stream<String> lines = lines()) {
                return lines.filter(line -> line.contains("dead-letter docId=" + docId + " "))
                        .count();
            }
        }

        static Optional<String> firstLine(String containing) {
            try (Stream<String> lines = lines()) {
                return lines.filter(line -> line.contains(containing))
                        .findFirst()
                        .map(String::strip);
            }
        }

        private static Stream<String> lines() {
            Path log = LOGS.resolve("chunker.log");
            try {
                return Files.exists(log) ? Files.lines(log, StandardCharsets.UTF_8) : Stream.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log, e);
            }
        }
    }

    private static Good publishGood(KafkaProducer<String, byte[]> producer, int round, String name)
            throws InterruptedException, ExecutionException {
        RawDocument document = RawDocument.builder()
                .tenant(TENANT)
                .source(EntryPoint.DOCS_RAW.source)
                .uri("raw://" + name)
                .title(name)
                .text("text/markdown", goodText(EntryPoint.DOCS_RAW, name))
                .fetchedAt(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(
                        Topics.DOCS_RAW, document.docId(), new RawDocumentSerde().serialize(Topics.DOCS_RAW, document)))
                .get();
        return new Good(round, EntryPoint.DOCS_RAW, document.docId(), document.version());
    }

    private static Good uploadGood(UploadClient client, int round, String id) throws IOException, InterruptedException {
        UploadClient.Response response = client.put(
                id,
                Json.mapper()
                        .createObjectNode()
                        .put("contentType", "text/markdown")
                        .put("text", goodText(EntryPoint.UPLOAD, id)));
        assertThat(response.status())
                .as("good upload %s: %s", id, response.body())
                .isEqualTo(200);
        return new Good(round, EntryPoint.UPLOAD, response.docId(), response.version());
    }

    private static String goodName(int round, int n) {
        return "good-%d-%02d".formatted(round, n);
    }

    private static String goodText(EntryPoint entry, String name) {
        return "# Good document %s\n\nThis document came through the %s between two bad inputs. It must be indexed"
                        .formatted(name, entry.label)
                + " whatever was refused or dead-lettered before it: one broken record never stops the stream.\n";
    }

    private static RawDocument textDocument(String uri, String text) {
        return RawDocument.builder()
                .tenant(TENANT)
                .source(EntryPoint.DOCS_RAW.source)
                .uri(uri)
                .text("text/plain", text)
                .fetchedAt(Instant.now())
                .build();
    }

    /** As the README tells outside producers of large documents: max.request.size raised to the topic's 32 MiB. */
    private static KafkaProducer<String, byte[]> outsideProducer() {
        Map<String, Object> settings = new HashMap<>(kafka.producerConfig());
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
