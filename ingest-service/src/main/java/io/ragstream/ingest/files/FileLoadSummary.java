package io.ragstream.ingest.files;

import io.ragstream.ingest.IngestCounters;
import java.time.Duration;

/** What one {@link FileLoader#scan()} did: files seen, versions and tombstones published, files left as they were. */
public record FileLoadSummary(
        long seen, long published, long deleted, long unchanged, long skipped, long failed, Duration took) {

    /** What the counters gained since an earlier snapshot of them. */
    static FileLoadSummary since(FileLoadSummary before, IngestCounters counters, Duration took) {
        return new FileLoadSummary(
                counters.seenCount() - before.seen,
                counters.publishedCount() - before.published,
                counters.deletedCount() - before.deleted,
                counters.unchangedCount() - before.unchanged,
                counters.skippedCount() - before.skipped,
                counters.failedCount() - before.failed,
                took);
    }

    static FileLoadSummary snapshot(IngestCounters counters) {
        return since(new FileLoadSummary(0, 0, 0, 0, 0, 0, Duration.ZERO), counters, Duration.ZERO);
    }
}
