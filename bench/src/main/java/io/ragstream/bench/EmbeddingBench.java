package io.ragstream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.embedding.Tokens;
import io.ragstream.embedding.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Embedding throughput of ragstream's {@link OnnxEmbedder} at several batch sizes, against the raw limit (the same ONNX
 * session fed pre-tokenized tensors one text at a time) and against LangChain4j's embedder of the same model.
 */
@Command(
        name = "embedding",
        mixinStandardHelpOptions = true,
        description =
                "Embedding throughput against the raw ONNX limit and LangChain4j, on fixed and real-length texts.")
final class EmbeddingBench implements Callable<Integer> {

    @Option(names = "--corpus", description = "documents to cut texts from (default: ${DEFAULT-VALUE})")
    Path corpus = Path.of("samples/corpus");

    @Option(names = "--passages", description = "fixed-length passages per measurement (default: ${DEFAULT-VALUE})")
    int passages = 48;

    @Option(names = "--passage-tokens", description = "tokens per fixed passage (default: ${DEFAULT-VALUE})")
    int passageTokens = 256;

    @Option(names = "--chunk-tokens", description = "most tokens per real-length chunk (default: ${DEFAULT-VALUE})")
    int chunkTokens = 256;

    @Option(names = "--batches", split = ",", description = "batch sizes to measure (default: ${DEFAULT-VALUE})")
    List<Integer> batches = List.of(1, 8, 32, 64);

    @Option(
            names = "--seconds",
            description = "each measurement repeats its texts for at least this long (default: ${DEFAULT-VALUE})")
    double seconds = 3;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: the cores available)")
    int threads = Runtime.getRuntime().availableProcessors();

    private final List<String[]> rows = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        OnnxModel model = OnnxModel.bgeSmallEnV15Quantized();
        EmbedderOptions options = new EmbedderOptions(1, threads);
        List<String> fixed;
        List<String> variable;
        try (Tokenizer tokenizer = model.loadTokenizer()) {
            Corpus texts = Corpus.load(corpus);
            fixed = texts.fixedPassages(tokenizer, passageTokens, passages);
            variable = texts.variableChunks(tokenizer, chunkTokens);
            IntSummaryStatistics lengths =
                    variable.stream().mapToInt(tokenizer::count).summaryStatistics();
            System.out.printf(
                    "ragstream bench: embedding, model %s, %d intra-op threads on %d cores%n",
                    model.spec().id(), threads, Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    "texts: fixed = %d passages of %d tokens; real-length = %d chunks of %d documents, %d-%d tokens"
                            + " (mean %.0f)%n%n",
                    fixed.size(),
                    passageTokens,
                    variable.size(),
                    texts.documentCount(),
                    lengths.getMin(),
                    lengths.getMax(),
                    lengths.getAverage());
        }

        Map<String, Double> raw = new HashMap<>();
        Map<String, Map<Integer, Double>> ours = new HashMap<>();
        Map<String, Double> peer = new HashMap<>();
        for (var set : List.of(Map.entry("fixed", fixed), Map.entry("real-length", variable))) {
            raw.put(set.getKey(), measureRaw(model, options, set.getKey(), set.getValue()));
        }
        for (int batch : batches) {
            try (OnnxEmbedder embedder = model.loadEmbedder(options.withBatchSize(batch))) {
                for (var set : List.of(Map.entry("fixed", fixed), Map.entry("real-length", variable))) {
                    double rate = measureOurs(embedder, batch, set.getKey(), set.getValue(), raw.get(set.getKey()));
                    ours.computeIfAbsent(set.getKey(), k -> new HashMap<>()).put(batch, rate);
                }
            }
        }
        var langchain4j = new BgeSmallEnV15QuantizedEmbeddingModel();
        try (Tokenizer tokenizer = model.loadTokenizer()) {
            for (var set : List.of(Map.entry("fixed", fixed), Map.entry("real-length", variable))) {
                peer.put(set.getKey(), measurePeer(langchain4j, tokenizer, set.getKey(), set.getValue(), raw));
            }
            printTable();
            printRatios(raw, ours, peer);
            printTokenShare(langchain4j, tokenizer, variable);
        }
        return 0;
    }

    /** The ceiling: the model alone, one text per run, tensors built before the clock starts. */
    private double measureRaw(OnnxModel model, EmbedderOptions options, String set, List<String> texts)
            throws OrtException {
        OrtEnvironment env = OnnxModel.environment();
        try (Tokenizer tokenizer = model.loadTokenizer();
                OrtSession session = model.openSession(options)) {
            boolean types = session.getInputNames().contains("token_type_ids");
            List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
            long tokens = 0;
            for (String text : texts) {
                Tokens encoded = tokenizer.encodeForModel(text);
                long[] shape = {1, encoded.size()};
                long[] ones = new long[encoded.size()];
                java.util.Arrays.fill(ones, 1L);
                Map<String, OnnxTensor> input = new HashMap<>();
                input.put("input_ids", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(encoded.ids()), shape));
                input.put("attention_mask", OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ones), shape));
                if (types) {
                    input.put(
                            "token_type_ids",
                            OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(encoded.typeIds()), shape));
                }
                inputs.add(input);
                tokens += encoded.size();
            }
            for (int i = 0; i < Math.min(4, inputs.size()); i++) {
                session.run(inputs.get(i)).close();
            }
            Rate rate = timed(texts.size(), tokens, () -> {
                for (Map<String, OnnxTensor> input : inputs) {
                    session.run(input).close();
                }
            });
            inputs.forEach(input -> input.values().forEach(OnnxTensor::close));
            addRow(set, "raw ONNX session (pre-tokenized)", "1", rate, 1.0);
            return rate.chunks();
        }
    }

    private double measureOurs(OnnxEmbedder embedder, int batch, String set, List<String> texts, double raw) {
        embedder.embed(texts.subList(0, Math.min(texts.size(), Math.max(4, batch))), InputKind.PASSAGE);
        long tokens = texts.stream()
                .mapToLong(t -> embedder.tokenizer().encodeForModel(t).size())
                .sum();
        Rate rate = timed(texts.size(), tokens, () -> embedder.embed(texts, InputKind.PASSAGE));
        addRow(set, "ragstream OnnxEmbedder", Integer.toString(batch), rate, rate.chunks() / raw);
        return rate.chunks();
    }

    private double measurePeer(
            BgeSmallEnV15QuantizedEmbeddingModel peerModel,
            Tokenizer tokenizer,
            String set,
            List<String> texts,
            Map<String, Double> raw) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        peerModel.embedAll(segments.subList(0, Math.min(4, segments.size())));
        long tokens = texts.stream()
                .mapToLong(t -> tokenizer.encodeForModel(t).size())
                .sum();
        Rate rate = timed(texts.size(), tokens, () -> peerModel.embedAll(segments));
        addRow(set, "LangChain4j embedAll", "its own", rate, rate.chunks() / raw.get(set));
        return rate.chunks();
    }

    /** Throughput of one measurement. */
    private record Rate(double chunks, double tokens) {}

    /** Runs one pass over the texts repeatedly, for at least {@code --seconds}, and gives the rate over all passes. */
    private Rate timed(int textsPerPass, long tokensPerPass, ThrowingRunnable pass) {
        long start = System.nanoTime();
        long passes = 0;
        double elapsed;
        do {
            try {
                pass.run();
            } catch (Exception e) {
                throw new IllegalStateException("benchmark pass failed: " + e.getMessage(), e);
            }
            passes++;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (elapsed < seconds);
        return new Rate(passes * textsPerPass / elapsed, passes * tokensPerPass / elapsed);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void addRow(String set, String runner, String batch, Rate rate, double vsRaw) {
        rows.add(new String[] {
            set,
            runner,
            batch,
            "%.1f".formatted(rate.chunks()),
            "%.0f".formatted(rate.tokens()),
            "%.2fx".formatted(vsRaw),
            Long.toString(Memory.peakRssMegabytes(ProcessHandle.current().pid()))
        });
        System.out.printf("  measured %-11s %-34s batch %-7s %6.1f chunks/s%n", set, runner, batch, rate.chunks());
    }

    private void printTable() {
        String format = "| %-11s | %-34s | %-7s | %8s | %8s | %6s | %12s |%n";
        System.out.println();
        System.out.printf(format, "texts", "runner", "batch", "chunks/s", "tokens/s", "vs raw", "peak RSS MB");
        System.out.printf(
                format,
                "-".repeat(11),
                "-".repeat(34),
                "-".repeat(7),
                "-".repeat(8),
                "-".repeat(8),
                "-".repeat(6),
                "-".repeat(12));
        rows.forEach(row -> System.out.printf(format, (Object[]) row));
        System.out.println("(peak RSS is the process's high-water mark so far: it only grows down the table)");
    }

    private void printRatios(
            Map<String, Double> raw, Map<String, Map<Integer, Double>> ours, Map<String, Double> peer) {
        int defaultBatch = EmbedderOptions.DEFAULT_BATCH_SIZE;
        System.out.println();
        for (String set : List.of("fixed", "real-length")) {
            Map<Integer, Double> rates = ours.get(set);
            int best = rates.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            Double atDefault = rates.get(defaultBatch);
            System.out.printf(
                    "%-11s ragstream best (batch %d) / raw = %.2fx   (goal >= 0.9x)%n",
                    set, best, rates.get(best) / raw.get(set));
            if (atDefault != null) {
                System.out.printf(
                        "%-11s ragstream default batch %d / raw = %.2fx; / LangChain4j = %.2fx   (goal >= 1.2x on"
                                + " real-length)%n",
                        set, defaultBatch, atDefault / raw.get(set), atDefault / peer.get(set));
            }
        }
    }

    /**
     * What share of each text's tokens the model actually read. Ours refuses a text it cannot read whole; for
     * LangChain4j, texts longer than the model's window show whether it reads them whole or cuts them.
     */
    private void printTokenShare(
            BgeSmallEnV15QuantizedEmbeddingModel peerModel, Tokenizer tokenizer, List<String> chunks) {
        String longText = String.join("\n\n", chunks);
        List<String> probes = List.of(
                tokenizer.truncate(longText, 700),
                tokenizer.truncate(longText, 1000),
                tokenizer.truncate(longText, 1500));
        System.out.println();
        System.out.println("share of each text's tokens that reached the model:");
        System.out.printf("  ragstream:   100%% of every text it embeds (texts over 510 tokens are refused, never cut;"
                + " the chunker sizes chunks to fit)%n");
        for (String probe : probes) {
            int tokens = tokenizer.count(probe);
            float[] whole = peerModel.embed(probe).content().vector();
            float[] cut =
                    peerModel.embed(tokenizer.truncate(probe, 510)).content().vector();
            double same = Vectors.cosine(whole, cut);
            String verdict = same > 0.9999
                    ? "%.0f%% (its vector equals that of the first 510 tokens: the rest was dropped)"
                            .formatted(100.0 * 510 / tokens)
                    : "read beyond 510 tokens (cosine to the 510-token prefix %.4f)".formatted(same);
            System.out.printf("  LangChain4j: %d-token text -> %s%n", tokens, verdict);
        }
    }
}
