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
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;

/**
 * Sends a folder, a file or a site to {@code docs.raw}, then follows the status topic until every document sent is
 * indexed, deleted or failed, printing progress and a summary.
 */
final class IngestAndWait {

    /**
     * What became of the documents sent.
     *
     * @param failed files or pages that could not be read or fetched, and documents the pipeline could not index
     * @param pending documents not settled when the wait ended, those an earlier run sent included
     * @param skipped files or pages left out on purpose (media, too large, out of the crawl's scope)
     * @param brokerLost whether the wait ended because the broker stopped answering
     */
    record Summary(
            int sent,
            int indexed,
            int deleted,
            int failed,
            int pending,
            int unchanged,
            long chunks,
            long skipped,
            boolean brokerLost) {}

    /** How long the broker may not answer before the wait gives up on it. */
    static final Duration BROKER_LOST_AFTER = Duration.ofSeconds(20);

    private final LocalHome home;
    private final String bootstrapServers;
    private final PrintStream out;

    IngestAndWait(LocalHome home, String bootstrapServers, PrintStream out) {
        this.home = home;
        this.bootstrapServers = bootstrapServers;
        this.out = out;
    }

    /**
     * How a crawl may go: the private addresses it may reach, how many links deep from the seed and how many pages at
     * most.
     */
    record CrawlLimits(List<String> allowedAddresses, int maxDepth, int maxPages) {

        CrawlLimits {
            allowedAddresses = List.copyOf(allowedAddresses);
        }

        /** The crawler's defaults, reaching no private address. */
        static CrawlLimits defaults() {
            CrawlConfig defaults = CrawlConfig.defaults();
            return new CrawlLimits(List.of(), defaults.maxDepth(), defaults.maxPages());
        }

        CrawlLimits allowing(List<String> addresses) {
            return new CrawlLimits(addresses, maxDepth, maxPages);
        }
    }

    /** A path is loaded as a folder or a file; an {@code http(s)} address is crawled. */
    Summary run(String target, List<String> allowedAddresses, Duration timeout)
            throws IOException, InterruptedException {
        return run(target, CrawlLimits.defaults().allowing(allowedAddresses), timeout);
    }

    /** As {@link #run(String, List, Duration)}, a crawl within the given limits. */
    Summary run(String target, CrawlLimits limits, Duration timeout) throws IOException, InterruptedException {
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrapServers, "max.block.ms", "30000");
        Recording sink = new Recording(KafkaDocumentSink.toDocsRaw(kafka));
        IngestCounters counters = new IngestCounters();
        // Unchanged documents, which this run does not send again: an earlier run may have sent them and stopped
        // before they were searchable.
        Map<String, String> earlier = new LinkedHashMap<>();
        try (sink) {
            if (target.startsWith("http://") || target.startsWith("https://")) {
                CrawlConfig config = CrawlConfig.builder()
                        .tenant(LocalHome.TENANT)
                        .seeds(target)
                        .allowedAddresses(limits.allowedAddresses().toArray(String[]::new))
                        .maxDepth(limits.maxDepth())
                        .maxPages(limits.maxPages())
                        .build();
                try (IngestState state = IngestState.open(home.ingestState().resolve("crawl-web.json"));
                        Crawler crawler = new Crawler(config, sink, state, counters)) {
                    out.println("crawling " + target);
                    crawler.crawl();
                    earlier.putAll(sentEarlier(state, target, sink));
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
                            FileLoaderConfig.defaults().settleDelay(),
                            false);
                    try (IngestState state = IngestState.open(home.ingestState().resolve("files-files.json"));
                            FileLoader loader = new FileLoader(config, sink, state, counters)) {
                        out.println("loading " + path);
                        loader.scan();
                        earlier.putAll(sentEarlier(
                                state, path.toAbsolutePath().normalize().toUri().toString(), sink));
                    }
                } else {
                    counters.seen();
                    sink.publish(SingleFile.document(
                            path, LocalHome.TENANT, "files", FileLoaderConfig.DEFAULT_MAX_FILE_BYTES));
                }
            }
        }
        out.printf(
                "sent %d documents and %d deletions (%d unchanged, %s skipped, %d failed)%n",
                sink.versions.size(),
                sink.deletions.size(),
                counters.unchangedCount(),
                counters.skippedLine(),
                counters.failedCount());
        counters.skips().forEach((item, reason) -> out.println("skipped " + item + ": " + reason));
        return await(sink, earlier, (int) counters.unchangedCount(), counters, timeout);
    }

    /** The documents under {@code prefix} that the state says were sent, and this run did not send again. */
    private static Map<String, String> sentEarlier(IngestState state, String prefix, Recording sink) {
        Map<String, String> earlier = new LinkedHashMap<>();
        for (String key : state.keys()) {
            if (key.startsWith(prefix)) {
                state.get(key)
                        .filter(entry -> !sink.versions.containsKey(entry.docId()))
                        .filter(entry -> !sink.deletions.contains(entry.docId()))
                        .ifPresent(entry -> earlier.put(entry.docId(), entry.contentHash()));
            }
        }
        return earlier;
    }

    private Summary await(
            Recording sink, Map<String, String> earlier, int unchanged, IngestCounters counters, Duration timeout)
            throws InterruptedException {
        int indexed = 0;
        int deleted = 0;
        long chunks = 0;
        List<String> failures = new ArrayList<>();
        Map<String, String> versions = new LinkedHashMap<>(sink.versions);
        Set<String> pending = new LinkedHashSet<>(sink.versions.keySet());
        pending.addAll(sink.deletions);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLine = 0;
        int fromEarlier = 0;
        boolean brokerLost = false;
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrapServers);
        try (StatusView statuses = StatusView.start(kafka);
                Admin admin = Admin.create(Map.of(
                        "bootstrap.servers", bootstrapServers,
                        "request.timeout.ms", 5_000,
                        "default.api.timeout.ms", 5_000))) {
            BrokerWatch broker = new BrokerWatch(admin);
            while (!earlier.isEmpty() && !statuses.caughtUp() && System.nanoTime() < deadline) {
                if (broker.lostFor().compareTo(BROKER_LOST_AFTER) >= 0) {
                    break;
                }
                Thread.sleep(100);
            }
            for (var entry : earlier.entrySet()) {
                if (statuses.awaitVersion(entry.getKey(), entry.getValue(), Duration.ZERO)
                                .outcome()
                        == StatusView.Outcome.PENDING) {
                    versions.put(entry.getKey(), entry.getValue());
                    pending.add(entry.getKey());
                    fromEarlier++;
                }
            }
            unchanged -= fromEarlier;
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                if (broker.lostFor().compareTo(BROKER_LOST_AFTER) >= 0) {
                    brokerLost = true;
                    out.printf(
                            "lost the broker at %s: no answer for %d s (%s). The %d documents still waiting may be"
                                    + " processed once it is back: run the same ingest again to wait for them%n",
                            bootstrapServers, BROKER_LOST_AFTER.toSeconds(), broker.lastError(), pending.size());
                    break;
                }
                for (var it = pending.iterator(); it.hasNext(); ) {
                    String docId = it.next();
                    String version = versions.get(docId);
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
                            "indexed %d, deleted %d, failed %d, waiting for %d%s%n",
                            indexed,
                            deleted,
                            failures.size(),
                            pending.size(),
                            fromEarlier > 0 ? " (" + fromEarlier + " sent by an earlier run)" : "");
                    nextLine = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
                if (!pending.isEmpty()) {
                    Thread.sleep(200);
                }
            }
        }
        // What could not be read or fetched, then what the pipeline could not index.
        counters.failures().forEach((item, reason) -> out.println("failed " + item + ": " + reason));
        failures.forEach(failure -> out.println("failed " + failure));
        long failed = counters.failedCount() + failures.size();
        if (!pending.isEmpty() && !brokerLost) {
            out.printf(
                    "%d documents were not indexed within %s; `./ragstream status` shows where they are%n",
                    pending.size(), timeout);
        }
        Summary summary = new Summary(
                sink.versions.size() + sink.deletions.size(),
                indexed,
                deleted,
                (int) failed,
                pending.size(),
                unchanged,
                chunks,
                counters.skippedCount(),
                brokerLost);
        out.printf(
                "done: %d documents indexed (%d chunks), %d deleted, %d failed, %d unchanged, %s skipped%n",
                indexed, chunks, deleted, failed, unchanged, counters.skippedLine());
        return summary;
    }

    /** Asks the broker for its cluster id every few seconds, in the background, and says how long it has not answered. */
    private static final class BrokerWatch {
        private static final long EVERY_NANOS = Duration.ofSeconds(2).toNanos();

        private final Admin admin;
        private KafkaFuture<String> asked;
        private long askedAt;
        private long failingSince = -1;
        private String lastError = "";

        BrokerWatch(Admin admin) {
            this.admin = admin;
        }

        Duration lostFor() {
            long now = System.nanoTime();
            if (asked == null) {
                asked = admin.describeCluster().clusterId();
                askedAt = now;
            } else if (asked.isDone()) {
                try {
                    asked.getNow(null);
                    failingSince = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | RuntimeException e) {
                    lastError = e.getCause() != null ? e.getCause().toString() : e.toString();
                    if (failingSince < 0) {
                        failingSince = askedAt;
                    }
                }
                if (now - askedAt >= EVERY_NANOS) {
                    asked = admin.describeCluster().clusterId();
                    askedAt = now;
                }
            } else if (now - askedAt > Duration.ofSeconds(10).toNanos() && failingSince < 0) {
                failingSince = askedAt; // no answer at all, not even an error
            }
            return failingSince < 0 ? Duration.ZERO : Duration.ofNanos(now - failingSince);
        }

        String lastError() {
            return lastError.isEmpty() ? "no answer" : lastError;
        }
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
