package io.ragstream.embedder;

import io.ragstream.config.TopicSetup;
import io.ragstream.embedding.ModelConfig;
import io.ragstream.store.StoreConfig;
import java.util.Optional;

/**
 * The embedder's settings. Every key can be set in a properties file or as {@code RAGSTREAM_<KEY>}; Kafka client settings
 * go under {@code kafka.*} (or {@code KAFKA_*}) and pass through unchanged to the consumer and the producer.
 *
 * @param groupId the consumer group: embedder instances that share it share the partitions of {@code ragstream.chunks}
 * @param collection the collection (or alias) chunks are written to; created on first start from the model's dimension
 * @param httpPort where {@code /health/live}, {@code /health/ready} and {@code /metrics} are served; 0 picks a free port
 */
public record EmbedderConfig(
        String groupId,
        String collection,
        int httpPort,
        TopicSetup topics,
        Batching embedder,
        StoreConfig store,
        ModelConfig model,
        Endpoint endpoint) {

    /**
     * How chunks are gathered and embedded.
     *
     * @param batchSize chunks per batch: a batch is written and committed together
     * @param lingerMs the longest a batch waits to fill up
     * @param modelBatchSize texts per ONNX Runtime run within a batch
     * @param retryInitialMs the first pause while the store or the endpoint does not answer; it doubles up to
     *     {@code retryMaxMs}
     * @param refusalRetries times a document the store refuses is tried again, with the same backoff, before it fails
     *     for good: a store cannot always tell a passing fault from a real refusal
     * @param cacheEntries vectors of recent chunk texts kept, so unchanged chunks of a new version are not re-embedded
     */
    public record Batching(
            int batchSize,
            long lingerMs,
            int modelBatchSize,
            long retryInitialMs,
            long retryMaxMs,
            int refusalRetries,
            long cacheEntries) {}

    /**
     * An OpenAI-compatible embeddings endpoint to use instead of the in-process model, when {@code baseUrl} is set.
     *
     * @param model the model name the endpoint knows
     */
    public record Endpoint(Optional<String> baseUrl, Optional<String> apiKey, String model) {}

    public static EmbedderConfig defaults() {
        return new EmbedderConfig(
                "ragstream-embedder",
                "ragstream_chunks",
                8082,
                TopicSetup.defaults(),
                new Batching(64, 200, 8, 500, 30_000, 3, 50_000),
                StoreConfig.defaults(),
                ModelConfig.defaults(),
                new Endpoint(Optional.empty(), Optional.empty(), "text-embedding-3-small"));
    }
}
