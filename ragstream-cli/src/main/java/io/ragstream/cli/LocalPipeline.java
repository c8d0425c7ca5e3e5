package io.ragstream.cli;

import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.chunker.ChunkerService;
import io.ragstream.config.Supervised;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.embedder.EmbedderService;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.SharedEmbedder;
import io.ragstream.ingest.IngestConfig;
import io.ragstream.ingest.IngestService;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.status.StatusView;
import io.ragstream.store.SharedStore;
import io.ragstream.store.StoreConfig;
import io.ragstream.store.VectorStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stage of ragstream in this JVM: Kafka (embedded, or the one given), the chunker, the embedder, the query API and
 * the upload API, over one store (the embedded Lucene index, or the Milvus given) and one model session. Closing stops
 * them in the reverse order.
 */
final class LocalPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

    /** Where {@code ragstream up} listens, and how it is set up. */
    record Settings(
            LocalHome home,
            Optional<String> kafka,
            int kafkaPort,
            Optional<String> milvusUri,
            int queryPort,
            int ingestPort,
            int embedderPort,
            int partitions) {

        /** On a Kafka that runs already, the store embedded, every HTTP port a free one (the tests'). */
        static Settings onFreePorts(LocalHome home, String bootstrapServers) {
            return new Settings(
                    home,
                    Optional.of(bootstrapServers),
                    0,
                    Optional.empty(),
                    EmbeddedKafka.freePort(),
                    EmbeddedKafka.freePort(),
                    EmbeddedKafka.freePort(),
                    2);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** Completes when a part stops working on its own, naming it and why. */
    private final CompletableFuture<String> stoppedOnItsOwn = new CompletableFuture<>();

    private String bootstrapServers;
    private VectorStore store;
    private QueryService query;
    private IngestService ingest;

    private LocalPipeline() {}

    static LocalPipeline start(Settings settings) {
        LocalPipeline pipeline = new LocalPipeline();
        try {
            pipeline.startAll(settings);
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll(Settings settings) {
        LocalHome home = settings.home();
        String key = home.apiKey();
        if (settings.kafka().isPresent()) {
            bootstrapServers = settings.kafka().get();
        } else {
            EmbeddedKafka kafka = EmbeddedKafka.start(home.kafka(), settings.kafkaPort());
            started.push(kafka);
            bootstrapServers = kafka.bootstrapServers();
        }
        log.info("kafka bootstrap={}", bootstrapServers);
        Map<String, String> kafka = Map.of("bootstrap.servers", bootstrapServers);
        TopicSetup topics = new TopicSetup(true, settings.partitions(), (short) 1);
        topics.apply(kafka);

        StoreConfig defaults = StoreConfig.defaults();
        StoreConfig storeConfig = settings.milvusUri()
                .map(uri -> new StoreConfig("milvus", defaults.directory(), uri, Optional.empty(), "standard"))
                .orElse(new StoreConfig(
                        "lucene", home.index().toString(), defaults.milvusUri(), Optional.empty(), "standard"));
        store = storeConfig.open();
        started.push(store);
        OnnxEmbedder model = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        started.push(model);

        ChunkerConfig chunkerDefaults = ChunkerConfig.defaults();
        ChunkerConfig chunkerConfig = new ChunkerConfig(
                chunkerDefaults.applicationId(), topics, chunkerDefaults.chunker(), chunkerDefaults.model());
        started.push(supervised(
                "the chunker",
                ChunkerService.start(
                        chunkerConfig,
                        Map.of(
                                "bootstrap.servers",
                                bootstrapServers,
                                "state.dir",
                                home.chunkerState().toString()))));

        EmbedderConfig embedderDefaults = EmbedderConfig.defaults();
        EmbedderConfig embedderConfig = new EmbedderConfig(
                embedderDefaults.groupId(),
                embedderDefaults.collection(),
                settings.embedderPort(),
                topics,
                embedderDefaults.embedder(),
                storeConfig,
                embedderDefaults.model(),
                embedderDefaults.endpoint());
        started.push(supervised(
                "the embedder",
                EmbedderService.start(embedderConfig, kafka, new SharedStore(store), new SharedEmbedder(model))));

        QueryConfig queryConfig = QueryConfig.defaults()
                .withHttpPort(settings.queryPort())
                .withCollection(embedderConfig.collection())
                .withKeys(LocalHome.TENANT + ":" + key);
        query = QueryService.start(
                queryConfig, new SharedStore(store), new SharedEmbedder(model), Optional.of(StatusView.start(kafka)));
        started.push(query);

        IngestConfig ingestDefaults = IngestConfig.defaults();
        IngestConfig ingestConfig = new IngestConfig(
                LocalHome.TENANT,
                home.ingestState().toString(),
                topics,
                ingestDefaults.upload().withHttpPort(settings.ingestPort()).withKeys(LocalHome.TENANT + ":" + key),
                ingestDefaults.files(),
                ingestDefaults.crawl());
        ingest = IngestService.start(ingestConfig, kafka);
        started.push(ingest);
    }

    private <T extends Supervised> T supervised(String part, T service) {
        service.stoppedOnItsOwn().thenAccept(reason -> stoppedOnItsOwn.complete(part + " stopped working: " + reason));
        return service;
    }

    /** Completes when the chunker or the embedder stops working on its own: the pipeline must be restarted. */
    CompletableFuture<String> stoppedOnItsOwn() {
        return stoppedOnItsOwn;
    }

    /** The store the pipeline writes and the query API reads: for checks against what a run reports. */
    VectorStore store() {
        return store;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    int queryPort() {
        return query.port();
    }

    int ingestPort() {
        return ingest.uploadPort().orElseThrow();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
