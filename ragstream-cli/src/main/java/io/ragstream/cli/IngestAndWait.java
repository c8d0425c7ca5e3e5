package io.ragstream.cli;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.ingest.crawl.CrawlConfig;
import io.ragstream.ingest.crawl.Crawler;
import io.ragstream.ingest.files.FileLoader;
import io.ragstream.ingest.files.FileLoaderConfig;
import io.ragstream.ingest.files.SingleFile;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.status.StatusView;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends a folder, a file or a site to {@code docs.raw}, then follows the status topic until every document sent is
 * indexed, deleted or failed, printing progress and a summary.
 */
final class IngestAndWait {

    /** What became of the documents sent. */
    record Summary(int sent, int indexed, int deleted, int failed, int pending, int unchanged, long chunks) {}

    private final LocalHome home;
    private final String bootstrapServers;
    private final PrintStream out;

    IngestAndWait(LocalHome home, String bootstrapServers, PrintStream out) {
        this.home = home;
        this.bootstrapServers = bootstrapServers;
        this.out = out;
    }

    /** A path is loaded as a folder or a file; an {@code http(s)} address is crawled. */
    Summary run(String target, List<String> allowedAddresses, Duration timeout)
            throws IOException, InterruptedException {
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrapServers, "max.block.ms", "30000");
        Recording sink = new Recording(KafkaDocumentSink.toDocsRaw(kafka));
        IngestCounters counters = new IngestCounters();
        try (sink) {
            if (target.startsWith("http://") || target.startsWith("https://")) {
                CrawlConfig config = CrawlConfig.builder()
                        .tenant(LocalHome.TENANT)
                        .seeds(target)
                        .allowedAddresses(allowedAddresses.toArray(String[]::new))
                        .build();
                try (IngestState state = IngestState.open(home.ingestState().resolve("crawl-web.json"));
                        Crawler crawler = new Crawler(config, sink, state, counters)) {
                    out.println("crawling " + target);
                    crawler.crawl();
                }
            } else {
                Path path = Path.of(target);
                if (Files.isDirectory(path)) {
                    FileLoaderConfig config = new FileLoaderConfig(
                            List.of(path),
                            FileLoaderConfig.defaults().include(),
                            FileLoaderConfig.defaults().exclude(),
                            FileLoaderConfig.DEFAULT_MAX_FILE_BYTES,
                            LocalHome.TENANT,
                            "files",
                            FileLoaderConfig.defaults().rescanInterval(),
                            FileLoaderConfig.defaults().settleDelay());
                    try (IngestState state = IngestState.open(home.ingestState().resolve("files-files.json"));
                            FileLoader loader = new FileLoader(config, sink, state, counters)) {
                        out.println("loading " + path);
                        loader.scan();
                    }
                } else {
                    counters.seen();
                    sink.publish(SingleFile.document(
                            path, LocalHome.TENANT, "files", FileLoaderConfig.DEFAULT_MAX_FILE_BYTES));
                }
            }
        }
        out.printf(
                "sent %d documents and %d deletions (%d unchanged, %d skipped, %d failed to send)%n",
                sink.versions.size(),
                sink.deletions.size(),
                counters.unchangedCount(),
                counters.skippedCount(),
                counters.failedCount());
        return await(sink, (int) counters.unchangedCount(), timeout);
    }

    private Summary await(Recording sink, int unchanged, Duration timeout) throws InterruptedException {
        int indexed = 0;
        int deleted = 0;
        long chunks = 0;
        List<String> failures = new ArrayList<>();
        Set<String> pending = new LinkedHashSet<>(sink.versions.keySet());
        pending.addAll(sink.deletions);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLine = 0;
        try (StatusView statuses = StatusView.start(Map.of("bootstrap.servers", bootstrapServers))) {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (var it = pending.iterator(); it.hasNext(); ) {
                    String docId = it.next();
                    String version = sink.versions.get(docId);
                    if (version != null) {
                        StatusView.Wait wait = statuses.awaitVersion(docId, version, Duration.ZERO);
                        switch (wait.outcome()) {
                            case INDEXED, SUPERSEDED -> {
                                indexed++;
                                chunks += wait.latest()
                                        .flatMap(DocumentStatus::chunkCount)
                                        .orElse(0);
                                it.remove();
                            }
                            case FAILED -> {
                                failures.add(docId + ": "
                                        + wait.latest()
                                                .flatMap(DocumentStatus::reason)
                                                .orElse("no reason given"));
                                it.remove();
                            }
                            case PENDING -> {}
                        }
                    } else if (statuses.latest(docId)
                            .filter(s -> s.stage() == DocumentStatus.Stage.DELETED)
                            .isPresent()) {
                        deleted++;
                        it.remove();
                    }
                }
                if (System.nanoTime() >= nextLine) {
                    out.printf(
                            "indexed %d, deleted %d, failed %d, waiting for %d%n",
                            indexed, deleted, failures.size(), pending.size());
                    nextLine = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
                if (!pending.isEmpty()) {
                    Thread.sleep(200);
                }
            }
        }
        failures.forEach(failure -> out.println("failed " + failure));
        if (!pending.isEmpty()) {
            out.printf(
                    "%d documents were not indexed within %s; `./ragstream status` shows where they are%n",
                    pending.size(), timeout);
        }
        Summary summary = new Summary(
                sink.versions.size() + sink.deletions.size(),
                indexed,
                deleted,
                failures.size(),
                pending.size(),
                unchanged,
                chunks);
        out.printf(
                "done: %d documents indexed (%d chunks), %d deleted, %d failed, %d unchanged%n",
                indexed, chunks, deleted, failures.size(), unchanged);
        return summary;
    }

    /** Passes documents on and remembers which versions and deletions it sent. */
    private static final class Recording implements DocumentSink {
        private final DocumentSink sink;
        private final Map<String, String> versions = new LinkedHashMap<>();
        private final Set<String> deletions = new LinkedHashSet<>();

        Recording(DocumentSink sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void publish(RawDocument document) {
            sink.publish(document);
            versions.put(document.docId(), document.version());
            deletions.remove(document.docId());
        }

        @Override
        public synchronized void delete(String docId, String tenant) {
            sink.delete(docId, tenant);
            deletions.add(docId);
            versions.remove(docId);
        }

        @Override
        public void close() {
            sink.close();
        }
    }
}
