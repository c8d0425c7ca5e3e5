package io.ragstream.ingest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints an ingest job's counters every few seconds while it runs, and a summary line when it ends. */
final class Progress implements AutoCloseable {

    private final IngestCounters counters;
    private final String seenWord;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer;

    Progress(IngestCounters counters, String seenWord, PrintStream out, Duration every) {
        this.counters = counters;
        this.seenWord = seenWord;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ingest-progress").factory());
        timer.scheduleAtFixedRate(
                () -> out.printf("[%s] %s%n", elapsed(), counters.line(seenWord)),
                every.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private String elapsed() {
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        return "%d:%02d".formatted(seconds / 60, seconds % 60);
    }

    /** Stops the progress line and prints the summary. */
    @Override
    public void close() {
        timer.shutdownNow();
        out.printf("done in %s: %s%n", elapsed(), counters.line(seenWord));
    }
}
