package io.ragstream.chunker;

import io.ragstream.config.TopicSetup;
import io.ragstream.embedding.ModelConfig;
import io.ragstream.model.FieldLimits;
import java.time.Duration;

/**
 * The chunker's settings. Every key can be set in a properties file or as {@code RAGSTREAM_<KEY>}; Kafka Streams settings
 * go under {@code kafka.*} (or {@code KAFKA_*}) and pass through unchanged.
 *
 * @param applicationId the Kafka Streams application id: chunker instances that share it share the work
 */
public record ChunkerConfig(String applicationId, TopicSetup topics, Chunking chunker, ModelConfig model) {

    /**
     * Chunk sizes and parsing limits.
     *
     * @param maxTokens the most tokens per chunk; 0 means the model's limit (510 for bge-small-en-v1.5)
     */
    public record Chunking(
            int maxTokens, int overlapTokens, int maxChunkChars, int maxExtractedChars, Duration parseTimeout) {

        public Chunking {
            if (maxChunkChars > MAX_CHUNK_CHARS) {
                throw new IllegalArgumentException(
                        ("chunker.max-chunk-chars is %d; it may be at most %d, so that a chunk"
                                        + " in any script fits the %,d UTF-8 bytes a store keeps of its text (default %d)")
                                .formatted(
                                        maxChunkChars,
                                        MAX_CHUNK_CHARS,
                                        FieldLimits.CHUNK_TEXT_BYTES,
                                        ChunkerSettings.DEFAULT_MAX_CHUNK_CHARS));
            }
        }
    }

    /** A character takes up to 4 bytes in UTF-8 (a Java char, half of a pair, at most 3, the pair 4). */
    static final int MAX_CHUNK_CHARS = FieldLimits.CHUNK_TEXT_BYTES / 4;

    public static ChunkerConfig defaults() {
        return new ChunkerConfig(
                "ragstream-chunker",
                TopicSetup.defaults(),
                new Chunking(
                        0,
                        ChunkerSettings.DEFAULT_OVERLAP_TOKENS,
                        ChunkerSettings.DEFAULT_MAX_CHUNK_CHARS,
                        5_000_000,
                        Duration.ofSeconds(60)),
                ModelConfig.defaults());
    }
}
