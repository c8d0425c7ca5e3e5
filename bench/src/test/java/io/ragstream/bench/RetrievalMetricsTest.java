package io.ragstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    /** b is graded 2, d and e 1, c judged not relevant; the ranking finds b second and d fourth, and misses e. */
    private static final Map<String, Integer> GRADES = Map.of("b", 2, "d", 1, "e", 1, "c", 0);

    private static final List<String> RANKING = List.of("a", "b", "c", "d");

    @Test
    void ndcgUsesTheGradeAsGainAndLog2OfRankPlusOneAsDiscount() {
        // DCG = 2/log2(3) + 1/log2(5) = 1.692536; ideal DCG = 2/log2(2) + 1/log2(3) + 1/log2(4) = 3.130930.
        assertThat(RetrievalMetrics.ndcg(RANKING, GRADES, 10)).isCloseTo(0.540586, within(1e-6));
        // With the exponential gain 2^grade - 1 it would be 0.562456: the harness reports what pytrec_eval reports.
        assertThat(RetrievalMetrics.ndcg(RANKING, GRADES, 10)).isNotCloseTo(0.562456, within(1e-3));
    }

    @Test
    void ndcgCountsOnlyTheFirstKRanksButKeepsTheWholeIdealRanking() {
        // Cut at 3: d (rank 4) no longer counts; the ideal DCG still holds b, d and e.
        assertThat(RetrievalMetrics.ndcg(RANKING, GRADES, 3)).isCloseTo(0.403030, within(1e-6));
        assertThat(RetrievalMetrics.ndcg(RANKING, GRADES, 1)).isZero();
    }

    @Test
    void aPerfectRankingScoresOneAndAnEmptyOneZero() {
        assertThat(RetrievalMetrics.ndcg(List.of("b", "d", "e", "a"), GRADES, 10))
                .isCloseTo(1.0, within(1e-12));
        assertThat(RetrievalMetrics.ndcg(List.of(), GRADES, 10)).isZero();
    }

    @Test
    void recallIsTheShareOfDocumentsGradedAboveZeroFoundInTheFirstK() {
        assertThat(RetrievalMetrics.recall(RANKING, GRADES, 100)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.recall(RANKING, GRADES, 2)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(RetrievalMetrics.recall(List.of("c"), GRADES, 100)).isZero();
    }

    @Test
    void averagesOverQueriesWithARelevantDocumentAndScoresAnUnansweredQueryZero() {
        var scores = RetrievalMetrics.evaluate(
                Map.of("q1", RANKING, "q2", List.of("x")),
                Map.of(
                        "q1", GRADES,
                        "q2", Map.of("x", 0), // no relevant document: not counted
                        "q3", Map.of("y", 1))); // the API refused it: counted with nothing found
        assertThat(scores.queries()).isEqualTo(2);
        assertThat(scores.ndcgAt10()).isCloseTo(0.540586 / 2, within(1e-6));
        assertThat(scores.recallAt100()).isCloseTo((2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void aDocumentRanksWhereItsBestChunkRanksAndTheQueryItselfIsDropped() {
        assertThat(RetrievalMetrics.documentRanking(List.of("d1", "d2", "d1", "q1", "d3", "d2"), "q1"))
                .containsExactly("d1", "d2", "d3");
    }
}
