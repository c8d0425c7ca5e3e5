package io.ragstream.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

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
    /** Skips that have a name of their own in the summary, such as {@code media}. */
    private final Map<String, AtomicLong> skippedBy = new ConcurrentSkipListMap<>();

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

    /** A skip counted under its reason too: {@code skipped 12 (media 10)}. */
    public void skipped(String reason) {
        skipped.incrementAndGet();
        skippedBy.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    public long skippedCount(String reason) {
        AtomicLong count = skippedBy.get(reason);
        return count == null ? 0 : count.get();
    }

    /** {@code 12 (media 10)}: the skips, and those of them that have a name. */
    public String skippedLine() {
        if (skippedBy.isEmpty()) {
            return Long.toString(skipped.get());
        }
        return skipped.get() + " ("
                + skippedBy.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().get())
                        .collect(Collectors.joining(", "))
                + ")";
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

    /** One line: {@code fetched 120, published 37, deleted 2, unchanged 80, skipped 1 (media 1), failed 0}. */
    public String line(String seenWord) {
        return "%s %d, published %d, deleted %d, unchanged %d, skipped %s, failed %d"
                .formatted(
                        seenWord,
                        seen.get(),
                        published.get(),
                        deleted.get(),
                        unchanged.get(),
                        skippedLine(),
                        failed.get());
    }
}
