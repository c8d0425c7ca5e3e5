package io.ragstream.ingest;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
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
    /** The first {@value #MAX_REASONS} items failed and skipped, each with its reason, for the summary. */
    private final Map<String, String> failures = new ConcurrentSkipListMap<>();

    private final Map<String, String> skips = new ConcurrentSkipListMap<>();

    /** How many failed and skipped items the counters name, with their reasons. */
    public static final int MAX_REASONS = 1000;

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

    /** A skip counted under a name of its own too, for the many of one kind: {@code skipped 12 (media 10)}. */
    public void skippedAs(String kind) {
        skipped.incrementAndGet();
        skippedBy.computeIfAbsent(kind, r -> new AtomicLong()).incrementAndGet();
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

    /** One item (a file, a page) that could not be ingested, named with the reason. */
    public void failed(String item, String reason) {
        failed.incrementAndGet();
        if (failures.size() < MAX_REASONS) {
            failures.putIfAbsent(item, reason);
        }
    }

    /** One item left out on purpose (too large, out of scope), named with the reason. */
    public void skipped(String item, String reason) {
        skipped.incrementAndGet();
        if (skips.size() < MAX_REASONS) {
            skips.putIfAbsent(item, reason);
        }
    }

    /** The items that failed, with their reasons (the first {@value #MAX_REASONS}). */
    public Map<String, String> failures() {
        return Collections.unmodifiableMap(new TreeMap<>(failures));
    }

    /** The items skipped with a reason of their own, not counted by a name (the first {@value #MAX_REASONS}). */
    public Map<String, String> skips() {
        return Collections.unmodifiableMap(new TreeMap<>(skips));
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
