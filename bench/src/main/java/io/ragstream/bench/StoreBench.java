package io.ragstream.bench;

import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Upsert rate, search latency and recall@10 of each vector store on the same chunks, against exact (brute-force) search
 * computed in the same run.
 */
@Command(
        name = "store",
        mixinStandardHelpOptions = true,
        description = "Upsert rate, search p50/p99 and recall@10 against exact search, for Lucene and Milvus.")
final class StoreBench implements Callable<Integer> {

    private static final int DIMENSION = 384;
    private static final int TOP_K = 10;

    @Option(names = "--chunks", description = "chunks to write (default: ${DEFAULT-VALUE})")
    int chunks = 100_000;

    @Option(
            names = "--queries",
            description = "searches to time and to check against exact search (default: ${DEFAULT-VALUE})")
    int queries = 200;

    @Option(names = "--batch", description = "chunks per upsert call (default: ${DEFAULT-VALUE})")
    int batch = 1_000;

    @Option(
            names = "--stores",
            split = ",",
            description = "stores to measure: lucene, milvus (default: ${DEFAULT-VALUE})")
    List<String> stores = List.of("lucene", "milvus");

    @Option(
            names = "--milvus-uri",
            description = "Milvus to measure (default: $MILVUS_URI; bench/run starts Milvus Lite when unset)")
    String milvusUri = System.getenv("MILVUS_URI");

    @Option(
            names = "--latent-dims",
            description = "vectors are random points of a space of this many dimensions, mapped into 384 with noise, as"
                    + " real embeddings occupy few of their dimensions; 0 for isotropic random vectors, the hardest"
                    + " case for an approximate index (default: ${DEFAULT-VALUE})")
    int latentDims = 32;

    @Option(names = "--seed", description = "seed of the generated vectors (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Override
    public Integer call() throws IOException {
        Random random = new Random(seed);
        float[][] vectors = latentDims > 0 ? latentVectors(chunks, latentDims, random) : unitVectors(chunks, random);
        float[][] probes = new float[queries][];
        for (int i = 0; i < queries; i++) {
            probes[i] = nearCopy(vectors[random.nextInt(chunks)], random);
        }
        System.out.printf(
                "ragstream bench: store, %,d chunks of %d dimensions (%s), %d queries, top %d%n",
                chunks,
                DIMENSION,
                latentDims > 0
                        ? "from a " + latentDims + "-dimension latent space plus noise"
                        : "isotropic random unit vectors, the hardest case for an approximate index",
                queries,
                TOP_K);
        long start = System.nanoTime();
        List<Set<Integer>> exact =
                Arrays.stream(probes).map(q -> exactTopK(vectors, q)).toList();
        System.out.printf(
                "exact search (brute force, in memory): %.1f ms per query%n%n",
                (System.nanoTime() - start) / 1e6 / queries);

        List<String[]> rows = new ArrayList<>();
        for (String name : stores) {
            try (VectorStore store = open(name)) {
                rows.add(measure(name, store, vectors, probes, exact));
            }
        }
        String format = "| %-7s | %12s | %9s | %9s | %9s |%n";
        System.out.printf(format, "store", "upsert /s", "p50 ms", "p99 ms", "recall@10");
        System.out.printf(format, "-".repeat(7), "-".repeat(12), "-".repeat(9), "-".repeat(9), "-".repeat(9));
        rows.forEach(row -> System.out.printf(format, (Object[]) row));
        return 0;
    }

    private VectorStore open(String name) throws IOException {
        return switch (name) {
            case "lucene" -> new LuceneVectorStore(Files.createTempDirectory("ragstream-bench-lucene-"));
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

    private String[] measure(
            String name, VectorStore store, float[][] vectors, float[][] probes, List<Set<Integer>> exact) {
        String collection = "bench_" + Long.toHexString(System.nanoTime());
        store.ensureCollection(collection, new CollectionSpec("bench-random", DIMENSION));
        Instant now = Instant.now();
        long start = System.nanoTime();
        for (int from = 0; from < vectors.length; from += batch) {
            int to = Math.min(from + batch, vectors.length);
            List<EmbeddedChunk> rows = IntStream.range(from, to)
                    .mapToObj(i -> new EmbeddedChunk(chunk(i, now), vectors[i]))
                    .toList();
            store.upsert(collection, rows);
            if ((to / batch) % 20 == 0 || to == vectors.length) {
                System.out.printf("  %s: %,d / %,d chunks written%n", name, to, vectors.length);
            }
        }
        double upsertSeconds = (System.nanoTime() - start) / 1e9;

        SearchFilter tenant = SearchFilter.tenant("bench");
        long[] latencies = new long[probes.length];
        double recall = 0;
        for (int i = 0; i < probes.length; i++) {
            long t0 = System.nanoTime();
            List<SearchHit> hits = store.search(collection, SearchRequest.dense(probes[i], TOP_K, tenant));
            latencies[i] = System.nanoTime() - t0;
            Set<Integer> found = new HashSet<>();
            hits.forEach(hit -> found.add(Integer.parseInt(hit.chunk().chunkId().substring(2))));
            found.retainAll(exact.get(i));
            recall += (double) found.size() / TOP_K;
        }
        store.dropCollection(collection);
        Arrays.sort(latencies);
        return new String[] {
            name,
            "%,.0f".formatted(vectors.length / upsertSeconds),
            "%.2f".formatted(latencies[latencies.length / 2] / 1e6),
            "%.2f"
                    .formatted(latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]
                            / 1e6),
            "%.3f".formatted(recall / probes.length)
        };
    }

    static ChunkRecord chunk(int i, Instant now) {
        String docId = "bench:" + (i / 20);
        return new ChunkRecord(
                "c-" + i,
                docId,
                "bench",
                "v1",
                "bench",
                "https://bench.example/" + (i / 20),
                Optional.of("Document " + (i / 20)),
                i % 20,
                "Chunk " + i + " of " + docId + ": streaming ingestion keeps the knowledge base fresh.",
                List.of("Section " + (i % 7)),
                List.of("tag" + (i % 5)),
                Map.of(),
                now);
    }

    private static Set<Integer> exactTopK(float[][] vectors, float[] query) {
        int[] best = new int[TOP_K];
        double[] scores = new double[TOP_K];
        Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < vectors.length; i++) {
            double score = dot(vectors[i], query);
            if (score > scores[TOP_K - 1]) {
                int at = TOP_K - 1;
                while (at > 0 && scores[at - 1] < score) {
                    scores[at] = scores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                scores[at] = score;
                best[at] = i;
            }
        }
        Set<Integer> result = new HashSet<>();
        for (int index : best) {
            result.add(index);
        }
        return result;
    }

    private static float[][] unitVectors(int count, Random random) {
        float[][] result = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] v = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                v[d] = (float) random.nextGaussian();
            }
            result[i] = io.ragstream.embedding.Vectors.normalise(v);
        }
        return result;
    }

    /** Unit vectors that vary along a few directions, as embeddings of real text do: a random linear map plus noise. */
    static float[][] latentVectors(int count, int latentDims, Random random) {
        float[][] map = new float[DIMENSION][latentDims];
        for (float[] row : map) {
            for (int j = 0; j < latentDims; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        float[][] result = new float[count][];
        float[] latent = new float[latentDims];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < latentDims; j++) {
                latent[j] = (float) random.nextGaussian();
            }
            float[] v = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                double sum = 0;
                for (int j = 0; j < latentDims; j++) {
                    sum += map[d][j] * latent[j];
                }
                v[d] = (float) (sum + random.nextGaussian() * 0.5);
            }
            result[i] = io.ragstream.embedding.Vectors.normalise(v);
        }
        return result;
    }

    /** A query near a stored vector, as a real question is near the passage that answers it. */
    private static float[] nearCopy(float[] vector, Random random) {
        float[] copy = vector.clone();
        for (int d = 0; d < copy.length; d++) {
            copy[d] += (float) (random.nextGaussian() * 0.05);
        }
        return io.ragstream.embedding.Vectors.normalise(copy);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
