package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.ragstream.store.ReciprocalRankFusion.Fused;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    @Test
    void eachRankingGivesOneOverKPlusRankCountedFromOne() {
        List<Fused<String>> fused = ReciprocalRankFusion.fuse(List.of(List.of("a", "b"), List.of("b", "c")), 60, 10);

        assertThat(fused).extracting(Fused::item).containsExactly("b", "a", "c");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 62 + 1.0 / 61, offset(1e-12));
        assertThat(fused.get(1).score()).isCloseTo(1.0 / 61, offset(1e-12));
        assertThat(fused.get(2).score()).isCloseTo(1.0 / 62, offset(1e-12));
    }

    @Test
    void anItemInEveryRankingBeatsTheTopOfASingleRanking() {
        List<Fused<String>> fused = ReciprocalRankFusion.fuse(
                List.of(List.of("dense-top", "x1", "x2", "both"), List.of("both", "y1")), 60, 1);

        assertThat(fused).extracting(Fused::item).containsExactly("both");
    }

    @Test
    void equalScoresKeepTheOrderInWhichTheItemsWereFirstSeen() {
        List<Fused<String>> fused = ReciprocalRankFusion.fuse(List.of(List.of("a"), List.of("b")), 60, 10);

        assertThat(fused).extracting(Fused::item).containsExactly("a", "b");
    }

    @Test
    void theResultIsCutToTheLimit() {
        assertThat(ReciprocalRankFusion.fuse(List.of(List.of(1, 2, 3), List.of(4, 5)), 60, 2))
                .extracting(Fused::item)
                .containsExactly(1, 4);
    }

    @Test
    void emptyRankingsFuseToNothingAndAnEmptyRankingChangesNothing() {
        assertThat(ReciprocalRankFusion.fuse(List.of(List.of(), List.of()), 60, 5))
                .isEmpty();
        assertThat(ReciprocalRankFusion.fuse(List.of(List.of("a", "b"), List.<String>of()), 60, 5))
                .extracting(Fused::item)
                .containsExactly("a", "b");
    }

    @Test
    void aNegativeConstantIsRefused() {
        assertThatThrownBy(() -> ReciprocalRankFusion.fuse(List.of(List.of("a")), -1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void hybridCandidatesAreNeverFewerThanTheTopKNorTheMinimum() {
        assertThat(ReciprocalRankFusion.candidates(5)).isEqualTo(ReciprocalRankFusion.MIN_CANDIDATES);
        assertThat(ReciprocalRankFusion.candidates(500)).isEqualTo(500);
    }
}
