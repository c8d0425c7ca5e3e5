package io.ragstream.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.RecordingSink;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileLoaderWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final RecordingSink sink = new RecordingSink();

    @Test
    void fileBeingWrittenIsPublishedOnceItSettles() throws Exception {
        try (FileLoader loader = startWatching(Duration.ofSeconds(1), Duration.ofHours(1))) {
            awaitWatching();

            Path file = root.resolve("slow.txt");
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int part = 1; part <= 5; part++) {
                    out.write(("part " + part + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(100); // a slow writer, well inside the settle delay
                }
            }

            await().atMost(WAIT).until(() -> !publishedContents("slow.txt").isEmpty());
            assertThat(publishedContents("slow.txt")).containsExactly("part 1\npart 2\npart 3\npart 4\npart 5\n");
        }
    }

    @Test
    void periodicRescanFindsChangesWhenNoEventSettles() throws Exception {
        try (FileLoader loader = startWatching(Duration.ofHours(1), Duration.ofMillis(200))) {
            Path file = Files.writeString(root.resolve("a.md"), "a");
            await().atMost(WAIT).until(() -> publishedContents("a.md").equals(List.of("a")));
            Files.delete(file);
            String docId = Ids.docId("default", "files", file.toUri().toString());
            await().atMost(WAIT).until(() -> sink.deleted().equals(List.of(docId)));
        }
    }

    @Test
    void closeStopsTheWatchAndLaterFilesAreLeftAlone() throws Exception {
        FileLoader loader = startWatching(Duration.ofMillis(50), Duration.ofMillis(50));
        awaitWatching();

        loader.close();
        Files.writeString(root.resolve("late.md"), "late");

        // Running, the loader would publish it within about 100 ms (rescan and settle delay are 50 ms).
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> publishedContents("late.md")
                .isEmpty());
        assertThatThrownBy(loader::scan).isInstanceOf(IllegalStateException.class);
    }

    private FileLoader startWatching(Duration settleDelay, Duration rescanInterval) {
        FileLoaderConfig config = FileLoaderConfig.defaults()
                .withRoots(root)
                .withSettleDelay(settleDelay)
                .withRescanInterval(rescanInterval);
        FileLoader loader = new FileLoader(config, sink, IngestState.inMemory(), new IngestCounters());
        loader.start();
        return loader;
    }

    /** A probe file is published once the loader watches the root: by its initial scan or by its first event. */
    private void awaitWatching() throws IOException {
        Files.writeString(root.resolve("probe.txt"), "probe");
        await().atMost(WAIT).until(() -> !publishedContents("probe.txt").isEmpty());
    }

    private List<String> publishedContents(String path) {
        return sink.published().stream()
                .filter(d -> path.equals(d.metadata().get("path")))
                .map(RawDocument::content)
                .toList();
    }
}
