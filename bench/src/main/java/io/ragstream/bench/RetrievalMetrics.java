package io.ragstream.bench;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nDCG@k and recall@k as BEIR and MTEB report them through pytrec_eval (trec_eval's {@code ndcg_cut} and
 * {@code recall}): the gain of a document is its relevance grade itself, not {@code 2^grade - 1}; the discount at rank r
 * (1-based) is {@code log2(r + 1)}; the ideal ranking orders every judged document by grade; recall counts documents
 * with a grade above 0.
 */
final class RetrievalMetrics {

    /** The averages over the queries that have at least one relevant document. */
    record Scores(int queries, double ndcgAt10, double recallAt100) {}

    private RetrievalMetrics() {}

    /** nDCG at {@code k} of a ranking of distinct document ids against one query's graded judgements. */
    static double ndcg(List<String> ranking, Map<String, Integer> grades, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            dcg += gain(grades.getOrDefault(ranking.get(i), 0)) / log2(i + 2);
        }
        List<Integer> ideal = grades.values().stream()
                .filter(grade -> grade > 0)
                .sorted(Comparator.reverseOrder())
                .limit(k)
                .toList();
        double idealDcg = 0;
        for (int i = 0; i < ideal.size(); i++) {
            idealDcg += gain(ideal.get(i)) / log2(i + 2);
        }
        return idealDcg == 0 ? 0 : dcg / idealDcg;
    }

    /** The share of the query's relevant documents found in the first {@code k} of the ranking. */
    static double recall(List<String> ranking, Map<String, Integer> grades, int k) {
        long relevant = grades.values().stream().filter(grade -> grade > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.stream()
                .limit(k)
                .filter(id -> grades.getOrDefault(id, 0) > 0)
                .count();
        return (double) found / relevant;
    }

    /**
     * nDCG@10 and recall@100 averaged over every query of {@code qrels} with a relevant document; a query missing from
     * {@code rankings} (the API refused it) counts with an empty ranking.
     */
    static Scores evaluate(Map<String, List<String>> rankings, Map<String, Map<String, Integer>> qrels) {
        int queries = 0;
        double ndcg = 0;
        double recall = 0;
        for (var query : qrels.entrySet()) {
            if (query.getValue().values().stream().noneMatch(grade -> grade > 0)) {
                continue;
            }
            List<String> ranking = rankings.getOrDefault(query.getKey(), List.of());
            ndcg += ndcg(ranking, query.getValue(), 10);
            recall += recall(ranking, query.getValue(), 100);
            queries++;
        }
        return queries == 0 ? new Scores(0, 0, 0) : new Scores(queries, ndcg / queries, recall / queries);
    }

    /**
     * Documents in the order of their best chunk: the first hit of a document gives its rank, later hits of the same
     * document are dropped. A document whose id is the query's own id is dropped too, as BEIR and MTEB do (it matters
     * for sets such as ArguAna and Quora, whose queries are also in the corpus).
     */
    static List<String> documentRanking(List<String> hitDocuments, String queryId) {
        Set<String> documents = new LinkedHashSet<>(hitDocuments);
        documents.remove(queryId);
        return List.copyOf(documents);
    }

    private static double gain(int grade) {
        return Math.max(grade, 0);
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
