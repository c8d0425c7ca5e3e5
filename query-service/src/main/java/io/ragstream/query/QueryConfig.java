package io.ragstream.query;

import io.ragstream.embedding.ModelConfig;
import io.ragstream.store.StoreConfig;
import java.util.Optional;

/**
 * The query service's settings; every key can be set in a properties file or as {@code RAGSTREAM_<KEY>}.
 *
 * @param collection the collection or alias searched; the embedder writes it
 */
public record QueryConfig(
        int httpPort, String collection, Auth auth, Limits limits, StoreConfig store, ModelConfig model) {

    /**
     * API keys, each mapped to the one tenant it may read.
     *
     * @param keys {@code tenant:key} pairs separated by commas
     * @param keysFile a properties file of {@code key=tenant} lines
     */
    public record Auth(String keys, Optional<String> keysFile) {}

    /** Request limits; a request over one gets a 400 naming the field. */
    public record Limits(
            int maxQueryChars,
            int defaultTopK,
            int maxTopK,
            int defaultContextTokens,
            int maxContextTokens,
            int maxFilterValues) {}

    public static QueryConfig defaults() {
        return new QueryConfig(
                8080,
                "ragstream_chunks",
                new Auth("", Optional.empty()),
                new Limits(2_000, 10, 100, 2_000, 16_000, 100),
                StoreConfig.defaults(),
                ModelConfig.defaults());
    }
}
