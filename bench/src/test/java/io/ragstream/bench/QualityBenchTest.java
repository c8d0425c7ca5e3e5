package io.ragstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QualityBenchTest {

    private static final QualityHarness.Result LUCENE = new QualityHarness.Result(
            "lucene",
            2,
            3,
            List.of(),
            Duration.ofSeconds(2),
            List.of(
                    new QualityHarness.ModeResult("dense", new RetrievalMetrics.Scores(1, 0.7, 1.0), List.of()),
                    new QualityHarness.ModeResult(
                            "hybrid", new RetrievalMetrics.Scores(1, 0.5, 1.0), List.of("q1: 400 too long"))));

    @Test
    void aSetWithoutAPublishedScoreSaysSo() {
        String report = report("beir-mini", Optional.empty());

        assertThat(report)
                .contains("| lucene  | dense  |       1 |  0.7000 |     1.0000 |")
                .contains("| lucene  | hybrid |       1 |  0.5000 |     1.0000 |")
                .contains("the API refused 1 queries (they score 0); first: q1: 400 too long")
                .contains("published: no published score for this set");
    }

    @Test
    void aPublicSetIsComparedWithTheModelsPublishedScoreByItsDirectoryName() {
        assertThat(report("scifact", Optional.empty()))
                .contains("published: bge-small-en-v1.5 nDCG@10 0.7127 on scifact (MTEB results")
                .contains("measured dense: lucene 0.7000 (-0.0127)");
    }

    @Test
    void aScoreGivenOnTheCommandLineWins() {
        assertThat(report("scifact", Optional.of(0.72)))
                .contains("nDCG@10 0.7200 on scifact (given with --published)")
                .contains("lucene 0.7000 (-0.0200)");
    }

    private static String report(String name, Optional<Double> published) {
        BeirDataset data = new BeirDataset(
                name,
                List.of(new BeirDataset.Document("d1", "", "one"), new BeirDataset.Document("d2", "", "two")),
                Map.of("q1", "which?"),
                Map.of("q1", Map.of("d1", 1)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        QualityBench.report(new PrintStream(bytes, true, StandardCharsets.UTF_8), data, List.of(LUCENE), published);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
