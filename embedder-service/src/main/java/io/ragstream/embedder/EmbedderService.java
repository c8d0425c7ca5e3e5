package io.ragstream.embedder;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ragstream.config.Supervised;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.OpenAiEmbedder;
import io.ragstream.model.Topics;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.StoreUnavailableException;
import io.ragstream.store.VectorStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running embedder: model, store, consumer loop and the health and metrics endpoints, wired from the configuration. */
public final class EmbedderService implements AutoCloseable, Supervised {

    /** Kafka's own default of {@code max.poll.interval.ms}. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private static final Logger log = LoggerFactory.getLogger(EmbedderService.class);

    private final CachingEmbedder embedder;
    private final VectorStore store;
    private final KafkaProducer<String, byte[]> producer;
    private final EmbedderLoop loop;
    private final Thread loopThread;
    private final CompletableFuture<String> stoppedOnItsOwn;
    private final KafkaClientMetrics consumerMetrics;
    private final Javalin http;

    private EmbedderService(
            CachingEmbedder embedder,
            VectorStore store,
            KafkaProducer<String, byte[]> producer,
            EmbedderLoop loop,
            Thread loopThread,
            CompletableFuture<String> stoppedOnItsOwn,
            KafkaClientMetrics consumerMetrics,
            Javalin http) {
        this.embedder = embedder;
        this.store = store;
        this.producer = producer;
        this.loop = loop;
        this.loopThread = loopThread;
        this.stoppedOnItsOwn = stoppedOnItsOwn;
        this.consumerMetrics = consumerMetrics;
        this.http = http;
    }

    /** Starts the service on the store and the model (or endpoint) the configuration names. */
    public static EmbedderService start(EmbedderConfig config, Map<String, String> kafka) {
        // A store that does not answer yet (started after this service, restarting) is waited for, as the consumer
        // loop waits out outages later.
        VectorStore store =
                Failsafe.with(untilReachable(config)).get(() -> config.store().open());
        return start(config, kafka, store, openEmbedder(config));
    }

    /** Starts the service on the given store and embedder, which it then owns and closes. */
    public static EmbedderService start(
            EmbedderConfig config, Map<String, String> kafka, VectorStore store, Embedder model) {
        List<String> created = config.topics().apply(kafka);
        if (!created.isEmpty()) {
            log.info("created topics={}", created);
        }
        CachingEmbedder embedder = new CachingEmbedder(model, config.embedder().cacheEntries());
        // Refuses, with a clear error, a collection made for another model or dimension; waits for a store that does
        // not
        // answer yet.
        CollectionSpec spec = new CollectionSpec(
                embedder.modelId(), embedder.dimension(), config.store().textAnalyzer());
        Failsafe.with(untilReachable(config)).run(() -> store.ensureCollection(config.collection(), spec));

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, Object> consumerSettings = consumerConfig(config, kafka);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerSettings, new StringDeserializer(), new ByteArrayDeserializer());
        // A batch may take as long as the consumer would wait between polls: past that, as before the loop polled while
        // it worked, the instance leaves the group and its partitions move; then it joins again.
        Duration batchTimeout = Duration.ofMillis(Long.parseLong(String.valueOf(consumerSettings.getOrDefault(
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, DEFAULT_MAX_POLL_INTERVAL_MS))));
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        EmbedderConfig.Batching batching = config.embedder();
        EmbedderLoop loop = new EmbedderLoop(
                consumer,
                producer,
                new BatchIndexer(embedder, store, config.collection(), Clock.systemUTC()),
                new EmbedderLoop.Settings(
                        batching.batchSize(),
                        Duration.ofMillis(batching.lingerMs()),
                        Duration.ofMillis(batching.retryInitialMs()),
                        Duration.ofMillis(batching.retryMaxMs()),
                        batching.refusalRetries(),
                        batchTimeout),
                new EmbedderMetrics(registry, embedder));
        CompletableFuture<String> stoppedOnItsOwn = new CompletableFuture<>();
        Thread loopThread = Thread.ofPlatform()
                .name("embedder-loop")
                .uncaughtExceptionHandler((thread, error) -> {
                    log.error("the consumer loop failed; the embedder does no more work", error);
                    stoppedOnItsOwn.complete("the consumer loop failed: " + error);
                })
                .start(loop);

        Javalin http = Javalin.create(server -> {
                    server.concurrency.useVirtualThreads = true;
                    server.startup.showJavalinBanner = false;
                    server.routes.get("/health/live", ctx -> ctx.status(loopThread.isAlive() ? 200 : 503)
                            .result(loopThread.isAlive() ? "live" : "the consumer loop has stopped"));
                    server.routes.get("/health/ready", ctx -> {
                        boolean ready = loopThread.isAlive() && loop.healthy();
                        ctx.status(ready ? 200 : 503)
                                .result(ready ? "ready" : "the store or the embedding endpoint is not answering");
                    });
                    server.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                            .result(registry.scrape()));
                })
                .start(config.httpPort());
        log.info(
                "embedder started model={} dimension={} collection={} http={}",
                embedder.modelId(),
                embedder.dimension(),
                config.collection(),
                http.port());
        return new EmbedderService(embedder, store, producer, loop, loopThread, stoppedOnItsOwn, consumerMetrics, http);
    }

    /** Retries, without limit and with a growing pause, whatever a store that does not answer refuses. */
    private static <T> RetryPolicy<T> untilReachable(EmbedderConfig config) {
        return RetryPolicy.<T>builder()
                .handle(StoreUnavailableException.class)
                .withBackoff(
                        Duration.ofMillis(config.embedder().retryInitialMs()),
                        Duration.ofMillis(config.embedder().retryMaxMs()))
                .withMaxRetries(-1)
                .onRetry(event -> log.warn(
                        "the store does not answer at start-up (attempt {}): {}; retrying",
                        event.getAttemptCount(),
                        event.getLastException().getMessage()))
                .build();
    }

    /** The port of the health and metrics endpoints. */
    public int httpPort() {
        return http.port();
    }

    /** Whether the consumer loop is running. */
    public boolean alive() {
        return loopThread.isAlive();
    }

    /** Completes when the consumer loop dies of an error: the service does no more work and must be restarted. */
    @Override
    public CompletableFuture<String> stoppedOnItsOwn() {
        return stoppedOnItsOwn;
    }

    @Override
    public void close() {
        loop.stop();
        try {
            loopThread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop();
        consumerMetrics.close();
        producer.close(Duration.ofSeconds(10));
        store.close();
        embedder.close();
    }

    static Embedder openEmbedder(EmbedderConfig config) {
        EmbedderConfig.Endpoint endpoint = config.endpoint();
        if (endpoint.baseUrl().isPresent()) {
            return new OpenAiEmbedder(OpenAiEmbedder.Settings.of(
                            URI.create(endpoint.baseUrl().get()), endpoint.model(), endpoint.apiKey())
                    .withPrefixes(config.model().queryPrefix(), config.model().passagePrefix()));
        }
        return config.model()
                .model()
                .loadEmbedder(EmbedderOptions.defaults()
                        .withBatchSize(config.embedder().modelBatchSize()));
    }

    private static Map<String, Object> consumerConfig(EmbedderConfig config, Map<String, String> kafka) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        // One poll brings at most a batch: a batch is embedder.batch-size chunks, and every record has at least one.
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.embedder().batchSize());
        settings.putAll(only(kafka, ConsumerConfig.configNames()));
        // Offsets are committed by the loop after the store acknowledged the writes, never by a timer.
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return settings;
    }

    private static Map<String, Object> producerConfig(Map<String, String> kafka) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        settings.putAll(only(kafka, ProducerConfig.configNames()));
        return settings;
    }

    private static Map<String, String> only(Map<String, String> kafka, java.util.Set<String> known) {
        Map<String, String> result = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (known.contains(key)) {
                result.put(key, value);
            }
        });
        return result;
    }
}
