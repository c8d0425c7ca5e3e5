package io.ragstream.query;

import io.ragstream.store.SearchHit;
import java.util.List;

/**
 * A second ranking of the store's candidates, e.g. by a cross-encoder. The service asks the store for
 * {@code rerank.candidates} hits, hands them here with the query, and returns the first {@code topK} of the result.
 *
 * <p>ragstream ships no implementation: no cross-encoder model is published in a package registry it can take one
 * from. Plug one in by naming its class in {@code rerank.class-name}; it needs a public no-argument constructor.
 */
public interface Reranker {

    /**
     * The candidates in their new order, best first, with the scores the reranker gives them. It may drop candidates,
     * never add any: every hit it returns must be one of the candidates (they are the tenant's, filtered).
     */
    List<SearchHit> rerank(String query, List<SearchHit> candidates);
}
