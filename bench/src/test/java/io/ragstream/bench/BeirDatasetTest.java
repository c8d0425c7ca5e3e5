package io.ragstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {

    @TempDir
    Path dir;

    @Test
    void readsCorpusQueriesAndGradedQrelsAfterTheHeaderLine() throws IOException {
        Path set = dir.resolve("scifact");
        Files.createDirectories(set.resolve("qrels"));
        Files.writeString(set.resolve("corpus.jsonl"), """
                {"_id": "4983", "title": "Microstructural development", "text": "Alterations of the architecture.", "metadata": {}}
                {"_id": 5836, "text": "No title, and a numeric id."}
                """);
        Files.writeString(set.resolve("queries.jsonl"), """
                {"_id": "1", "text": "0-dimensional biomaterials show inductive properties.", "metadata": {}}
                {"_id": "3", "text": "Only judged not relevant."}
                """);
        Files.writeString(
                set.resolve("qrels/test.tsv"),
                "query-id\tcorpus-id\tscore\n1\t4983\t2\n1\t5836\t1\n3\t4983\t0\n9\t4983\t1\n");

        BeirDataset data = BeirDataset.load(set, "test");

        assertThat(data.name()).isEqualTo("scifact");
        assertThat(data.corpus())
                .containsExactly(
                        new BeirDataset.Document(
                                "4983", "Microstructural development", "Alterations of the architecture."),
                        new BeirDataset.Document("5836", "", "No title, and a numeric id."));
        assertThat(data.queries()).containsOnlyKeys("1", "3");
        assertThat(data.qrels().get("1")).isEqualTo(Map.of("4983", 2, "5836", 1));
        // Query 3 has no relevant document, query 9 is not in queries.jsonl: neither is scored.
        assertThat(data.judgedQueries()).containsOnlyKeys("1");
    }

    @Test
    void aDirectoryWithoutTheQrelsOfTheSplitIsRefusedNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), "");
        Files.writeString(dir.resolve("queries.jsonl"), "");

        assertThatThrownBy(() -> BeirDataset.load(dir, "dev"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("qrels/dev.tsv")
                .hasMessageContaining("--split");
    }
}
