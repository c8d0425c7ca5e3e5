package io.ragstream.store;

import java.util.Objects;

/**
 * What a collection is made for: vectors of one model, of one dimension, compared by cosine similarity. A store refuses
 * to write vectors of another model into it.
 *
 * @param modelId the embedding model's id, e.g. {@code bge-small-en-v1.5-q}
 * @param textAnalyzer the analyzer of the BM25 text index: {@code standard}, or {@code korean} for Korean text
 */
public record CollectionSpec(String modelId, int dimension, String textAnalyzer) {

    public CollectionSpec {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(textAnalyzer, "textAnalyzer");
        if (dimension <= 0) {
            throw new IllegalArgumentException(
                    "vector dimension of model " + modelId + " is " + dimension + "; it must be > 0");
        }
    }

    public CollectionSpec(String modelId, int dimension) {
        this(modelId, dimension, "standard");
    }
}
