package io.ragstream.store;

import java.util.Objects;
import java.util.Optional;

/**
 * One top-k lookup.
 *
 * @param vector the query's embedding (L2-normalised)
 * @param queryText the query's text, needed for {@link Mode#HYBRID} (BM25 on the chunk text)
 * @param readYourWrites when true, the search sees every write acknowledged before it (stronger consistency, slower on
 *     Milvus); when false, writes of the last moment may be missing
 */
public record SearchRequest(
        float[] vector, Optional<String> queryText, int topK, SearchFilter filter, Mode mode, boolean readYourWrites) {

    /** How candidates are found. */
    public enum Mode {
        /** Nearest vectors only. */
        DENSE,
        /** Nearest vectors and BM25 text matches, fused by reciprocal rank. */
        HYBRID
    }

    public SearchRequest {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(mode, "mode");
        queryText = queryText == null ? Optional.empty() : queryText;
        if (topK <= 0) {
            throw new IllegalArgumentException("topK is " + topK + "; ask for at least one hit");
        }
        if (mode == Mode.HYBRID && queryText.isEmpty()) {
            throw new IllegalArgumentException("a hybrid search needs the query text for its BM25 half");
        }
    }

    /** A dense search over one tenant. */
    public static SearchRequest dense(float[] vector, int topK, SearchFilter filter) {
        return new SearchRequest(vector, Optional.empty(), topK, filter, Mode.DENSE, false);
    }

    /** A hybrid search over one tenant. */
    public static SearchRequest hybrid(float[] vector, String queryText, int topK, SearchFilter filter) {
        return new SearchRequest(vector, Optional.of(queryText), topK, filter, Mode.HYBRID, false);
    }

    public SearchRequest withReadYourWrites() {
        return new SearchRequest(vector, queryText, topK, filter, mode, true);
    }
}
