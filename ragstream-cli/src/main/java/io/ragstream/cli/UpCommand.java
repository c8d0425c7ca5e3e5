package io.ragstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ragstream up}: every stage in this JVM until Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Run the whole pipeline in this process: an embedded Kafka broker, the chunker, the embedder, the"
                + " query API and the upload API, on the embedded Lucene index and the default model. The first time, it"
                + " loads the sample corpus and answers a question from it. Stops on Ctrl-C; data stays in --data-dir.")
final class UpCommand implements Callable<Integer> {

    @Mixin
    RagstreamCli.Home home = new RagstreamCli.Home();

    @Option(names = "--kafka", description = "use this Kafka (host:port) instead of the embedded broker")
    Optional<String> kafka = Optional.empty();

    @Option(names = "--milvus", description = "use this Milvus (http://host:19530) instead of the embedded index")
    Optional<String> milvus = Optional.empty();

    @Option(names = "--kafka-port", description = "the embedded broker's port (default: ${DEFAULT-VALUE})")
    int kafkaPort = 9092;

    @Option(names = "--query-port", description = "the query API's port (default: ${DEFAULT-VALUE})")
    int queryPort = 8080;

    @Option(names = "--ingest-port", description = "the upload API's port (default: ${DEFAULT-VALUE})")
    int ingestPort = 8081;

    @Option(
            names = "--embedder-port",
            description = "the embedder's health and metrics port (default: ${DEFAULT-VALUE})")
    int embedderPort = 8082;

    @Option(names = "--partitions", description = "partitions of each topic it creates (default: ${DEFAULT-VALUE})")
    int partitions = 2;

    @Option(
            names = "--samples",
            description = "the sample corpus loaded on first start (default: ${DEFAULT-VALUE}); --no-samples skips it",
            defaultValue = "samples/corpus")
    Path samples;

    @Option(names = "--no-samples", description = "do not load the sample corpus")
    boolean noSamples;

    @Option(names = "--exit-after-demo", hidden = true, description = "stop after the first-start demo (for tests)")
    boolean exitAfterDemo;

    @Override
    public Integer call() throws Exception {
        LocalHome local = home.home();
        boolean firstStart = !Files.exists(local.kafka()) && kafka.isEmpty();
        System.out.println("ragstream: starting (log: " + local.log() + ")");
        long start = System.nanoTime();
        LocalPipeline pipeline = LocalPipeline.start(new LocalPipeline.Settings(
                local, kafka, kafkaPort, milvus, queryPort, ingestPort, embedderPort, partitions));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            System.out.println("ragstream: stopping");
            local.clearEndpoints();
            pipeline.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(stop);
        String queryUrl = "http://127.0.0.1:" + pipeline.queryPort();
        String ingestUrl = "http://127.0.0.1:" + pipeline.ingestPort();
        local.writeEndpoints(new LocalHome.Endpoints(pipeline.bootstrapServers(), queryUrl, ingestUrl));
        System.out.printf(
                """
                ragstream is up in %.0f s (data in %s)
                  query API   %s   (OpenAPI: %s/openapi.yaml)
                  upload API  %s
                  kafka       %s
                  API key     %s  (tenant %s; kept in %s)
                """,
                (System.nanoTime() - start) / 1e9,
                local.root(),
                queryUrl,
                queryUrl,
                ingestUrl,
                pipeline.bootstrapServers(),
                local.apiKey(),
                LocalHome.TENANT,
                local.root().resolve("api-key"));
        if (firstStart && !noSamples && Files.isDirectory(samples)) {
            demo(local, pipeline, queryUrl);
        }
        System.out.println("""
                Send documents with `./ragstream ingest <folder|file|url>`, ask with `./ragstream query "<question>"`,
                see the pipeline with `./ragstream status`. Ctrl-C stops it; the data stays for the next start.""");
        if (exitAfterDemo) {
            Runtime.getRuntime().removeShutdownHook(stop);
            stop.run();
        }
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (pipeline.stoppedOnItsOwn().isDone()) {
                // Alive but doing nothing is the worst outcome: stop, say why, and exit non-zero.
                System.err.println("ragstream: " + pipeline.stoppedOnItsOwn().join()
                        + "; stopping. Start it again with `./ragstream up` (the data stays); the log has the details: "
                        + local.log());
                try {
                    Runtime.getRuntime().removeShutdownHook(stop);
                } catch (IllegalStateException shuttingDown) {
                    stopped.await();
                    return 1;
                }
                stop.run();
                return 1;
            }
        }
        return 0;
    }

    private void demo(LocalHome local, LocalPipeline pipeline, String queryUrl) throws Exception {
        System.out.println("\nfirst start: loading the sample corpus from " + samples);
        new IngestAndWait(local, pipeline.bootstrapServers(), System.out)
                .run(samples.toString(), List.of(), Duration.ofMinutes(10));
        String question = "What does a compacted Kafka topic keep for each key?";
        System.out.println("\nasking: " + question);
        QueryCommand.printHits(new QueryClient(queryUrl, local.apiKey()).search(question, 3), System.out);
    }
}
