package io.ragstream.ingest.crawl;

import io.ragstream.ingest.IngestCounters;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one crawl did: pages fetched, versions and deletions published, pages unchanged, addresses refused (out of
 * scope, robots.txt, private address, too large) and failures, with the reason for each refused and failed address (the
 * first {@value #MAX_REASONS} of each).
 */
public record CrawlSummary(
        long fetched,
        long published,
        long deleted,
        long unchanged,
        long skipped,
        long failed,
        Duration elapsed,
        Map<String, String> skips,
        Map<String, String> failures) {

    /** How many skipped and failed addresses a summary names. */
    public static final int MAX_REASONS = 1000;

    public CrawlSummary {
        skips = Collections.unmodifiableMap(new TreeMap<>(skips));
        failures = Collections.unmodifiableMap(new TreeMap<>(failures));
    }

    /** The counts so far, to subtract from those at the end of a crawl. */
    static CrawlSummary counted(IngestCounters counters) {
        return new CrawlSummary(
                counters.seenCount(),
                counters.publishedCount(),
                counters.deletedCount(),
                counters.unchangedCount(),
                counters.skippedCount(),
                counters.failedCount(),
                Duration.ZERO,
                Map.of(),
                Map.of());
    }

    /** What happened between {@code start} and now. */
    static CrawlSummary since(
            CrawlSummary start,
            IngestCounters counters,
            Duration elapsed,
            Map<String, String> skips,
            Map<String, String> failures) {
        CrawlSummary now = counted(counters);
        return new CrawlSummary(
                now.fetched - start.fetched,
                now.published - start.published,
                now.deleted - start.deleted,
                now.unchanged - start.unchanged,
                now.skipped - start.skipped,
                now.failed - start.failed,
                elapsed,
                skips,
                failures);
    }

    @Override
    public String toString() {
        return "fetched %d, published %d, deleted %d, unchanged %d, skipped %d, failed %d in %d ms"
                .formatted(fetched, published, deleted, unchanged, skipped, failed, elapsed.toMillis());
    }
}
