package io.ragstream.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one ingest run has done so far, for the progress line and the summary: items seen (pages fetched, files read),
 * versions published, deletions published, unchanged items skipped, refused items (out of scope, robots.txt, too large)
 * and failures.
 */
public final class IngestCounters {

    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public void seen() {
        seen.incrementAndGet();
    }

    public void published() {
        published.incrementAndGet();
    }

    public void deleted() {
        deleted.incrementAndGet();
    }

    public void unchanged() {
        unchanged.incrementAndGet();
    }

    public void skipped() {
        skipped.incrementAndGet();
    }

    public void failed() {
        failed.incrementAndGet();
    }

    public long seenCount() {
        return seen.get();
    }

    public long publishedCount() {
        return published.get();
    }

    public long deletedCount() {
        return deleted.get();
    }

    public long unchangedCount() {
        return unchanged.get();
    }

    public long skippedCount() {
        return skipped.get();
    }

    public long failedCount() {
        return failed.get();
    }

    /** One line: {@code fetched 120, published 37, deleted 2, unchanged 80, skipped 1, failed 0}. */
    public String line(String seenWord) {
        return "%s %d, published %d, deleted %d, unchanged %d, skipped %d, failed %d"
                .formatted(
                        seenWord,
                        seen.get(),
                        published.get(),
                        deleted.get(),
                        unchanged.get(),
                        skipped.get(),
                        failed.get());
    }
}
