package io.ragstream.chunker;

import io.ragstream.config.Supervised;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running chunker: the model's tokenizer, the parsers and the Kafka Streams app, wired from the configuration. */
public final class ChunkerService implements AutoCloseable, Supervised {

    private static final Logger log = LoggerFactory.getLogger(ChunkerService.class);
    /** Abandoned parses still running that make the chunker ask to be restarted. */
    static final int MAX_RUNAWAY_PARSES = 3;
    /** The broker's default {@code transaction.max.timeout.ms}: a longer transaction timeout is refused. */
    private static final Duration MAX_TRANSACTION = Duration.ofMinutes(15);
    /** The consumer's own default. */
    private static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private final Tokenizer tokenizer;
    private final Parsers parsers;
    private final KafkaStreams streams;
    private final CompletableFuture<String> stoppedOnItsOwn;

    private ChunkerService(
            Tokenizer tokenizer, Parsers parsers, KafkaStreams streams, CompletableFuture<String> stoppedOnItsOwn) {
        this.tokenizer = tokenizer;
        this.parsers = parsers;
        this.streams = streams;
        this.stoppedOnItsOwn = stoppedOnItsOwn;
    }

    /**
     * Completes when Kafka Streams ends in state ERROR (nothing is chunked any more), or when runaway parses hold threads
     * and memory that only a restart frees.
     */
    @Override
    public CompletableFuture<String> stoppedOnItsOwn() {
        return stoppedOnItsOwn;
    }

    /** Creates missing topics if configured to, and starts the Streams app. */
    public static ChunkerService start(ChunkerConfig config, Map<String, String> kafka) {
        Properties properties = streamsProperties(config, kafka);
        List<String> created = config.topics().apply(kafka);
        if (!created.isEmpty()) {
            log.info("created topics={}", created);
        }
        OnnxModel model = config.model().model();
        Tokenizer tokenizer = model.loadTokenizer();
        ChunkerConfig.Chunking limits = config.chunker();
        int maxTokens =
                limits.maxTokens() > 0 ? limits.maxTokens() : ChunkerSettings.modelLimit(model.spec(), tokenizer);
        ChunkerSettings settings = new ChunkerSettings(maxTokens, limits.overlapTokens(), limits.maxChunkChars());
        CompletableFuture<String> stoppedOnItsOwn = new CompletableFuture<>();
        Parsers parsers = new Parsers(
                limits.maxExtractedChars(),
                limits.parseTimeout(),
                MAX_RUNAWAY_PARSES,
                running -> stoppedOnItsOwn.complete(("%d parses that outlived chunker.parse-timeout are still running"
                                + " and ignore the interrupt, holding their threads and memory; a restart frees them"
                                + " (their documents are dead-lettered)")
                        .formatted(running)));
        DocumentChunking chunking = new DocumentChunking(parsers, new Chunker(tokenizer, settings), Clock.systemUTC());

        KafkaStreams streams = new KafkaStreams(ChunkerTopology.build(chunking, Clock.systemUTC()), properties);
        streams.setUncaughtExceptionHandler(error -> {
            log.error("stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((next, previous) -> {
            log.info("state={} previous={}", next, previous);
            if (next == KafkaStreams.State.ERROR) {
                stoppedOnItsOwn.complete(
                        "Kafka Streams is in state ERROR: its stream threads failed and were not" + " replaced");
            }
        });
        streams.start();
        log.info(
                "chunker started model={} maxTokens={} overlapTokens={}",
                model.spec().id(),
                maxTokens,
                limits.overlapTokens());
        return new ChunkerService(tokenizer, parsers, streams, stoppedOnItsOwn);
    }

    /**
     * The Streams settings: ragstream's defaults (exactly-once, large records, a transaction and a poll interval that
     * outlive the slowest record), then the configured kafka.* ones, checked against the parse timeout.
     */
    static Properties streamsProperties(ChunkerConfig config, Map<String, String> kafka) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_MESSAGE_BYTES);
        // One record is parsed and chunked inside one transaction (and between two polls). Streams' 10 s transaction
        // timeout is shorter than a parse may take: the broker aborted the transaction, the record was processed again
        // and again, and its stream thread never got past it.
        long slowestRecordMs = slowestRecord(config.chunker().parseTimeout()).toMillis();
        String transaction = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        String pollInterval = StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        if (!kafka.containsKey(transaction) && !kafka.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)) {
            settings.put(transaction, (int) slowestRecordMs);
        }
        if (!kafka.containsKey(pollInterval) && !kafka.containsKey(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)) {
            settings.put(pollInterval, (int) Math.max(DEFAULT_MAX_POLL_INTERVAL_MS, slowestRecordMs));
        }
        settings.putAll(kafka);
        requireLonger(settings, transaction, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, config);
        requireLonger(settings, pollInterval, ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, config);
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            log.warn(
                    "processing.guarantee={} : without exactly_once_v2 a crash can emit a document's chunks twice or"
                            + " lose a status record",
                    settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        }
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    /**
     * The longest one record may take: its parse, then its chunking and tokenizing, which for the largest documents takes
     * as long again. Kept within the broker's default {@code transaction.max.timeout.ms} (15 minutes).
     */
    static Duration slowestRecord(Duration parseTimeout) {
        Duration slowest = parseTimeout.multipliedBy(2).plus(Duration.ofMinutes(2));
        return slowest.compareTo(MAX_TRANSACTION) < 0 ? slowest : MAX_TRANSACTION;
    }

    private static void requireLonger(
            Map<String, Object> settings, String prefixed, String plain, ChunkerConfig config) {
        Object value = settings.getOrDefault(prefixed, settings.get(plain));
        if (value == null) {
            return;
        }
        long ms = Long.parseLong(value.toString());
        Duration parse = config.chunker().parseTimeout();
        if (ms <= parse.toMillis()) {
            throw new IllegalArgumentException(
                    ("kafka.%s=%d is not longer than chunker.parse-timeout=%s: a record whose"
                                    + " parse outlives it is processed again and again, and its stream thread never gets past"
                                    + " it; leave it unset (the chunker takes %d ms) or lower chunker.parse-timeout")
                            .formatted(plain, ms, parse, slowestRecord(parse).toMillis()));
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        // Leave the group on the way out, so the partitions move to the other instances (or to this one restarted) at
        // once instead of after the session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        parsers.close();
        tokenizer.close();
    }
}
