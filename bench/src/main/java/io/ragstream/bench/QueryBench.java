package io.ragstream.bench;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.model.json.Json;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency of {@code POST /v1/search} under a closed-loop load from another process on loopback, beside the direct path
 * (query embedding + store search called in this process) over the same store and the same questions. The ratio of the
 * two p99s is what the HTTP layer costs; the goal is at most 3x.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "p50/p99 and requests/s of /v1/search under load, against embedding + search called directly.")
final class QueryBench implements Callable<Integer> {

    private static final String KEY = "bench-key-0123456789";
    private static final List<String> QUESTIONS = List.of(
            "How does the pipeline keep the knowledge base fresh?",
            "What happens to the chunks of a deleted document?",
            "Which consistency level makes writes visible to search?",
            "How are documents split into chunks for the embedding model?",
            "Why are offsets committed only after the write to the store?",
            "What does a compacted topic keep for each key?",
            "How does hybrid search combine dense and keyword results?",
            "Where do records that cannot be parsed end up?",
            "How many partitions should the raw documents topic have?",
            "What is reciprocal rank fusion?",
            "How do I re-index the corpus with a new embedding model?",
            "Which tokenizer counts the tokens of a chunk?");

    @Option(names = "--chunks", description = "chunks in the store (default: ${DEFAULT-VALUE})")
    int chunks = 100_000;

    @Option(names = "--requests", description = "measured requests per path and load (default: ${DEFAULT-VALUE})")
    int requests = 200;

    @Option(names = "--warm-up", description = "requests before measuring (default: ${DEFAULT-VALUE})")
    int warmUp = 30;

    @Option(
            names = "--clients",
            split = ",",
            description = "concurrent closed-loop clients, one run each (default: ${DEFAULT-VALUE})")
    List<Integer> clients = List.of(1, 4);

    @Option(
            names = "--stores",
            split = ",",
            description = "stores to measure: lucene, milvus (default: ${DEFAULT-VALUE})")
    List<String> stores = List.of("lucene", "milvus");

    @Option(
            names = "--milvus-uri",
            description = "Milvus to measure (default: $MILVUS_URI; bench/run starts Milvus Lite when unset)")
    String milvusUri = System.getenv("MILVUS_URI");

    @Override
    public Integer call() throws Exception {
        System.out.printf(
                "ragstream bench: query, %,d chunks per store, %d measured requests per run after %d warm-up,"
                        + " dense top 10, model bge-small-en-v1.5 int8, %d cores%n",
                chunks, requests, warmUp, Runtime.getRuntime().availableProcessors());
        Path bodies = Files.createTempFile("ragstream-bench-queries-", ".jsonl");
        List<String> lines = new ArrayList<>();
        for (String question : QUESTIONS) {
            lines.add(Json.mapper().writeValueAsString(Map.of("query", question, "topK", 10, "mode", "dense")));
        }
        Files.write(bodies, lines, StandardCharsets.UTF_8);

        List<String[]> rows = new ArrayList<>();
        for (String name : stores) {
            rows.addAll(measure(name, bodies));
        }
        String format = "| %-7s | %-36s | %9s | %9s | %10s | %13s |%n";
        System.out.printf(format, "store", "path", "p50 ms", "p99 ms", "req/s", "p99 / direct");
        System.out.printf(
                format, "-".repeat(7), "-".repeat(36), "-".repeat(9), "-".repeat(9), "-".repeat(10), "-".repeat(13));
        rows.forEach(row -> System.out.printf(format, (Object[]) row));
        System.out.println(
                "\nGoal: p99 of /v1/search with 1 client <= 3x the direct path's p99 (the HTTP layer is thin)."
                        + " With more clients than cores, latency includes waiting for a core.");
        return 0;
    }

    private List<String[]> measure(String name, Path bodies) throws Exception {
        VectorStore store = open(name);
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        String collection = "bench_query_" + Long.toHexString(System.nanoTime());
        store.ensureCollection(collection, new CollectionSpec(embedder.modelId(), embedder.dimension()));
        fill(name, store, collection);

        List<String[]> rows = new ArrayList<>();
        long[] before = direct(embedder, store, collection);
        List<String[]> loads = new ArrayList<>();
        QueryConfig config = QueryConfig.defaults()
                .withHttpPort(0)
                .withCollection(collection)
                .withKeys("bench:" + KEY);
        try (QueryService service = QueryService.start(config, store, embedder)) {
            for (int count : clients) {
                String[] result = load(service.port(), count, bodies);
                String label = "/v1/search, " + count + " client" + (count == 1 ? "" : "s");
                if (!result[4].equals("0")) {
                    label += " (" + result[4] + " not 200)";
                }
                loads.add(new String[] {label, result[1], result[2], result[3]});
            }
            // The direct path again, as warm as the service was: the reference is the better of the two runs, so the
            // ratio never flatters the HTTP layer.
            long[] after = direct(embedder, store, collection);
            double directP99 = Math.min(p99(before), p99(after));
            rows.add(row(name, "direct (embed + search), before", p50(before), p99(before), Double.NaN, directP99));
            rows.add(row(name, "direct (embed + search), after", p50(after), p99(after), Double.NaN, directP99));
            for (String[] load : loads) {
                rows.add(row(
                        name,
                        load[0],
                        Long.parseLong(load[1]),
                        Long.parseLong(load[2]),
                        Double.parseDouble(load[3]),
                        directP99));
            }
        } finally {
            // The service closed the store and the embedder; drop the collection through a fresh connection.
            try (VectorStore cleanup = open(name, false)) {
                cleanup.dropCollection(collection);
            } catch (RuntimeException e) {
                System.out.println("  (could not drop " + collection + ": " + e.getMessage() + ")");
            }
        }
        return rows;
    }

    private void fill(String name, VectorStore store, String collection) {
        Random random = new Random(7);
        float[][] vectors = StoreBench.latentVectors(chunks, 32, random);
        Instant now = Instant.now();
        int batch = 1_000;
        long start = System.nanoTime();
        for (int from = 0; from < chunks; from += batch) {
            int to = Math.min(from + batch, chunks);
            List<EmbeddedChunk> rows = IntStream.range(from, to)
                    .mapToObj(i -> new EmbeddedChunk(StoreBench.chunk(i, now), vectors[i]))
                    .toList();
            store.upsert(collection, rows);
            if ((to / batch) % 25 == 0 || to == chunks) {
                System.out.printf("  %s: %,d / %,d chunks written%n", name, to, chunks);
            }
        }
        System.out.printf("  %s: filled in %.0f s%n", name, (System.nanoTime() - start) / 1e9);
    }

    private long[] direct(OnnxEmbedder embedder, VectorStore store, String collection) {
        SearchFilter tenant = SearchFilter.tenant("bench");
        long[] latencies = new long[requests];
        for (int i = -warmUp; i < requests; i++) {
            String question = QUESTIONS.get(Math.floorMod(i, QUESTIONS.size()));
            long t0 = System.nanoTime();
            float[] vector = embedder.embedQuery(question);
            store.search(collection, SearchRequest.dense(vector, 10, tenant));
            if (i >= 0) {
                latencies[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Runs the load generator in its own JVM and returns its result line, split. */
    private String[] load(int port, int count, Path bodies) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LoadGenerator.class.getName(),
                        "http://127.0.0.1:" + port + "/v1/search",
                        KEY,
                        Integer.toString(count),
                        Integer.toString(warmUp),
                        Integer.toString(requests),
                        bodies.toString())
                .redirectErrorStream(true)
                .start();
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("result ")) {
                    result = line;
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the load generator failed:\n" + output);
        }
        return result.split(" ");
    }

    private VectorStore open(String name) throws IOException {
        return open(name, true);
    }

    private Path luceneDirectory;

    private VectorStore open(String name, boolean fresh) throws IOException {
        return switch (name) {
            case "lucene" -> {
                if (fresh || luceneDirectory == null) {
                    luceneDirectory = Files.createTempDirectory("ragstream-bench-query-");
                }
                yield new LuceneVectorStore(luceneDirectory);
            }
            case "milvus" -> {
                if (milvusUri == null || milvusUri.isBlank()) {
                    throw new IllegalArgumentException(
                            "measuring milvus needs --milvus-uri or MILVUS_URI; bench/run starts Milvus Lite for you");
                }
                yield MilvusVectorStore.connect(milvusUri, Optional.empty());
            }
            default -> throw new IllegalArgumentException("unknown store '" + name + "'; choose lucene or milvus");
        };
    }

    private static String[] row(String store, String path, long p50, double p99, double perSecond, double directP99) {
        return new String[] {
            store,
            path,
            "%.1f".formatted(p50 / 1e6),
            "%.1f".formatted(p99 / 1e6),
            Double.isNaN(perSecond) ? "-" : "%.1f".formatted(perSecond),
            "%.2fx".formatted(p99 / directP99)
        };
    }

    private static long p50(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static double p99(long[] sorted) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    }
}
