package io.ragstream.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which store a service uses, as configured ({@code store.*} settings); the embedder and the query service must name the
 * same one.
 *
 * @param kind {@code lucene} (embedded, in {@code directory}) or {@code milvus} (at {@code milvusUri})
 * @param textAnalyzer {@code standard}, or {@code korean} for Korean text
 */
public record StoreConfig(
        String kind, String directory, String milvusUri, Optional<String> milvusToken, String textAnalyzer) {

    public StoreConfig {
        milvusToken = milvusToken == null ? Optional.empty() : milvusToken;
    }

    public static StoreConfig defaults() {
        return new StoreConfig("lucene", ".ragstream/index", "http://localhost:19530", Optional.empty(), "standard");
    }

    /** Opens the configured store; the caller owns it. */
    public VectorStore open() {
        return switch (kind) {
            case "lucene" -> new LuceneVectorStore(Path.of(directory));
            case "milvus" -> MilvusVectorStore.connect(milvusUri, milvusToken);
            default ->
                throw new IllegalArgumentException("store.kind is '" + kind + "'; choose lucene (embedded) or milvus");
        };
    }
}
