package io.ragstream.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion: each ranking gives an item {@code 1 / (k + rank)}, ranks counted from 1, and the fused list is
 * ordered by the sum. Ties keep the order in which the items were first seen, rankings taken in the order given.
 */
final class ReciprocalRankFusion {

    /** The constant of the original paper (Cormack et al., 2009) and of Milvus's RRF ranker. */
    static final int DEFAULT_K = 60;

    /** The fewest candidates each ranking of a hybrid search contributes, however small its top-k. */
    static final int MIN_CANDIDATES = 50;

    /** One fused item and its summed score. */
    record Fused<T>(T item, double score) {}

    private ReciprocalRankFusion() {}

    /** How deep each ranking of a hybrid search looks, so that fusion sees more than the top-k of either. */
    static int candidates(int topK) {
        return Math.max(topK, MIN_CANDIDATES);
    }

    /** Fuses rankings of distinct items each (best first) into one ranking of at most {@code limit} items. */
    static <T> List<Fused<T>> fuse(List<? extends List<T>> rankings, int k, int limit) {
        if (k < 0) {
            throw new IllegalArgumentException("RRF constant k is " + k + "; it must be >= 0");
        }
        Map<T, Double> scores = new LinkedHashMap<>();
        for (List<T> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                scores.merge(ranking.get(i), 1.0 / (k + i + 1), Double::sum);
            }
        }
        List<Fused<T>> fused = new ArrayList<>(scores.size());
        scores.forEach((item, score) -> fused.add(new Fused<>(item, score)));
        // List.sort is stable, so equal scores stay in first-seen order.
        fused.sort(Comparator.comparingDouble((Fused<T> f) -> f.score()).reversed());
        return List.copyOf(fused.subList(0, Math.min(limit, fused.size())));
    }
}
