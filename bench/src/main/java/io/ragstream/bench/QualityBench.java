package io.ragstream.bench;

import io.ragstream.testkit.KafkaFixture;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Retrieval quality of the whole pipeline: a BEIR data set ingested through Kafka, the chunker, the embedder and a store,
 * then searched through {@code POST /v1/search}; nDCG@10 and recall@100 per store and mode, beside the model's published
 * score on the same set where there is one.
 */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "nDCG@10 and recall@100 of /v1/search (dense, hybrid) on a BEIR data set ingested through the"
                + " whole pipeline.")
final class QualityBench implements Callable<Integer> {

    /**
     * bge-small-en-v1.5's nDCG@10 on the test split of public BEIR sets, keyed by the directory name of the BEIR
     * download, as MTEB publishes them (github.com/embeddings-benchmark/results, results/BAAI__bge-small-en-v1.5,
     * revision 5c38ec7c). They were measured with the fp32 model, each document embedded whole (title and text, cut at
     * 512 tokens).
     */
    static final Map<String, Double> PUBLISHED_NDCG_AT_10 = Map.of(
            "scifact", 0.71273,
            "nfcorpus", 0.34264,
            "arguana", 0.60348,
            "scidocs", 0.20518,
            "trec-covid", 0.75651);

    @Option(names = "--beir", description = "a BEIR data set directory (default: ${DEFAULT-VALUE})")
    Path beir = Path.of("samples/beir-mini");

    @Option(names = "--split", description = "the qrels file under qrels/ (default: ${DEFAULT-VALUE})")
    String split = "test";

    @Option(
            names = "--stores",
            split = ",",
            description = "stores to measure: lucene, milvus (default: ${DEFAULT-VALUE})")
    List<String> stores = List.of("lucene", "milvus");

    @Option(
            names = "--modes",
            split = ",",
            description = "search modes to score: dense, hybrid (default: ${DEFAULT-VALUE})")
    List<String> modes = List.of("dense", "hybrid");

    @Option(
            names = "--milvus-uri",
            description = "Milvus to measure (default: $MILVUS_URI; bench/run starts Milvus Lite when unset)")
    String milvusUri = System.getenv("MILVUS_URI");

    @Option(
            names = "--published",
            description = "the model's published nDCG@10 on this set, to compare with (default: a built-in table of"
                    + " public BEIR sets by directory name: scifact, nfcorpus, arguana, scidocs, trec-covid)")
    Double published;

    @Option(
            names = "--stall-seconds",
            description = "fail when no document finishes indexing for this long (default: ${DEFAULT-VALUE})")
    int stallSeconds = 120;

    @Override
    public Integer call() throws Exception {
        BeirDataset data = BeirDataset.load(beir, split);
        System.out.printf(
                "ragstream bench: quality, BEIR set %s (%d documents, %d queries with a relevant document in qrels/%s.tsv),"
                        + " top %d, model bge-small-en-v1.5 int8, %d cores%n",
                data.name(),
                data.corpus().size(),
                data.judgedQueries().size(),
                split,
                QualityHarness.TOP_K,
                Runtime.getRuntime().availableProcessors());
        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        List<QualityHarness.Result> results = new ArrayList<>();
        try {
            for (String store : stores) {
                results.add(QualityHarness.run(
                        kafka.bootstrapServers(),
                        data,
                        new QualityHarness.Settings(
                                store, Optional.ofNullable(milvusUri), modes, Duration.ofSeconds(stallSeconds)),
                        System.out));
            }
        } finally {
            kafka.stop();
        }
        System.out.println();
        report(System.out, data, results, Optional.ofNullable(published));
        return 0;
    }

    /** Prints the table, the ingestion times, what went wrong, and the comparison with the published score. */
    static void report(
            PrintStream out, BeirDataset data, List<QualityHarness.Result> results, Optional<Double> published) {
        String format = "| %-7s | %-6s | %7s | %7s | %10s |%n";
        out.printf(format, "store", "mode", "queries", "nDCG@10", "recall@100");
        out.printf(format, "-".repeat(7), "-".repeat(6), "-".repeat(7), "-".repeat(7), "-".repeat(10));
        for (QualityHarness.Result result : results) {
            for (QualityHarness.ModeResult mode : result.modes()) {
                out.printf(
                        format,
                        result.store(),
                        mode.mode(),
                        mode.scores().queries(),
                        "%.4f".formatted(mode.scores().ndcgAt10()),
                        "%.4f".formatted(mode.scores().recallAt100()));
            }
        }
        out.println();
        for (QualityHarness.Result result : results) {
            double seconds = result.ingest().toMillis() / 1000.0;
            out.printf(
                    "ingest into %s: %d documents (%d chunks) indexed in %.1f s, %.1f documents/s, %.1f chunks/s%n",
                    result.store(),
                    result.documents() - result.failures().size(),
                    result.chunks(),
                    seconds,
                    result.documents() / seconds,
                    result.chunks() / seconds);
            if (!result.failures().isEmpty()) {
                out.printf(
                        "  %d documents failed and cannot be found; first: %s%n",
                        result.failures().size(), result.failures().getFirst());
            }
            for (QualityHarness.ModeResult mode : result.modes()) {
                if (!mode.refused().isEmpty()) {
                    out.printf(
                            "  %s %s: the API refused %d queries (they score 0); first: %s%n",
                            result.store(),
                            mode.mode(),
                            mode.refused().size(),
                            mode.refused().getFirst());
                }
            }
        }
        out.println("nDCG@10 as pytrec_eval's ndcg_cut.10, which BEIR and MTEB report: gain = the qrels grade (not"
                + " 2^grade - 1), discount log2(rank + 1); recall@100 counts documents graded above 0; both averaged"
                + " over queries with at least one relevant document. A document ranks where its best chunk ranks;"
                + " a hit on the query's own id is dropped, as in BEIR.");
        Optional<Double> reference = published.or(
                () -> Optional.ofNullable(PUBLISHED_NDCG_AT_10.get(data.name().toLowerCase(Locale.ROOT))));
        if (reference.isEmpty()) {
            out.println("published: no published score for this set");
            return;
        }
        StringBuilder line = new StringBuilder(
                "published: bge-small-en-v1.5 nDCG@10 %.4f on %s".formatted(reference.get(), data.name()));
        line.append(
                published.isPresent()
                        ? " (given with --published)"
                        : " (MTEB results: fp32 model, documents embedded whole up to 512 tokens)");
        line.append("; measured dense:");
        for (QualityHarness.Result result : results) {
            result.mode("dense")
                    .ifPresent(dense -> line.append(" %s %.4f (%+.4f)"
                            .formatted(
                                    result.store(),
                                    dense.scores().ndcgAt10(),
                                    dense.scores().ndcgAt10() - reference.get())));
        }
        out.println(line);
    }
}
