package io.ragstream.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load generator, run as its own process by {@link QueryBench}: {@code clients} loops, each sending the
 * next request body as soon as the previous answer arrived, until {@code requests} have been answered. Prints one line:
 * {@code result <p50 ns> <p99 ns> <requests/s> <non-200 answers>}.
 *
 * <p>Arguments: url, API key, clients, warm-up requests, measured requests, a file of JSON bodies (one per line).
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String key = args[1];
        int clients = Integer.parseInt(args[2]);
        int warmUp = Integer.parseInt(args[3]);
        int requests = Integer.parseInt(args[4]);
        List<String> bodies = Files.readAllLines(Path.of(args[5]), StandardCharsets.UTF_8);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        run(http, url, key, clients, warmUp, bodies, new long[warmUp]);
        long[] latencies = new long[requests];
        long start = System.nanoTime();
        int failures = run(http, url, key, clients, requests, bodies, latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(
                "result %d %d %.2f %d%n",
                latencies[requests / 2],
                latencies[(int) Math.min(requests - 1, Math.ceil(requests * 0.99) - 1)],
                requests / seconds,
                failures);
    }

    private static int run(
            HttpClient http, URI url, String key, int clients, int count, List<String> bodies, long[] latencies)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                loops.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(url)
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size())))
                                .build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        latencies[i] = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
        }
        return failures.get();
    }
}
