package io.ragstream.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.RecordingSink;
import io.ragstream.model.ContentEncoding;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLoaderTest {

    @TempDir
    Path root;

    @TempDir
    Path elsewhere;

    private final RecordingSink sink = new RecordingSink();
    private final IngestState state = IngestState.inMemory();
    private final IngestCounters counters = new IngestCounters();

    @Test
    void includeAndExcludeGlobsChooseTheFiles() throws IOException {
        write("guide.md", "guide");
        write("docs/intro.md", "intro");
        write("docs/notes.txt", "notes");
        write("docs/image.png", "not a text");
        write("build/out.md", "generated");
        write("docs/.draft.md", "hidden");
        write(".git/config", "[core]");

        scan(FileLoaderConfig.defaults()
                .withRoots(root)
                .withInclude("**/*.md", "**/*.txt")
                .withExclude("**/.*", "**/.*/**", "build/**"));

        assertThat(publishedPaths()).containsExactly("docs/intro.md", "docs/notes.txt", "guide.md");
    }

    @Test
    void defaultsLoadEveryFileButHiddenOnes() throws IOException {
        write("a.md", "a");
        write("sub/data.bin", "b");
        write(".env", "SECRET=1");
        write("sub/.cache/x.txt", "cached");
        write(".git/config", "[core]");

        scan(config());

        assertThat(publishedPaths()).containsExactly("a.md", "sub/data.bin");
    }

    /**
     * A folder of a real HTML manual held 2,046 images and fonts beside 1,326 pages, and each was indexed as a document
     * with no chunks. They are skipped by default now, and the summary says how many.
     */
    @Test
    void imagesAudioVideoAndFontsAreSkippedByDefaultAndCountedAsMedia() throws IOException {
        write("manual/index.html", "<html><body><p>Install</p></body></html>");
        write("manual/images/diagram.png", "png bytes");
        write("manual/images/photo.JPG", "jpeg bytes");
        write("manual/fonts/body.woff2", "font bytes");
        write("manual/media/intro.mp4", "video bytes");
        write("manual/media/notes.txt", "notes");

        FileLoadSummary summary = scan(config());

        assertThat(publishedPaths()).containsExactly("manual/index.html", "manual/media/notes.txt");
        assertThat(summary.skipped()).isEqualTo(4);
        assertThat(counters.skippedCount(FileLoader.SKIPPED_MEDIA)).isEqualTo(4);
        assertThat(counters.line("files")).contains("skipped 4 (media 4)");
    }

    /**
     * The real corpus (the Valgrind manual as Debian ships it) had its style sheet indexed as a document: CSS rules in
     * the answers of a knowledge base. The crawler never fetched it; the folder loader now skips it too, and says so.
     */
    @Test
    void aStyleSheetIsSkippedByDefaultAndCounted() throws IOException {
        write("manual/index.html", "<html><body><p>Install</p></body></html>");
        write("manual/vg_basic.css", "body { font-family: sans-serif; }");

        FileLoadSummary summary = scan(config());

        assertThat(publishedPaths()).containsExactly("manual/index.html");
        assertThat(summary.skipped()).isEqualTo(1);
        assertThat(counters.line("files")).contains("skipped 1 (style sheets 1)");
    }

    @Test
    void mediaAreLoadedWhenAskedForAndLeaveWhenSkippedLater() throws IOException {
        write("diagram.png", "png bytes");

        scan(config().withIncludeMedia(true));
        assertThat(publishedPaths()).containsExactly("diagram.png");

        FileLoadSummary second = scan(config());

        assertThat(second.deleted()).isEqualTo(1);
        assertThat(sink.deleted()).hasSize(1);
    }

    @Test
    void documentIsNamedByTheFileUriAndCarriesItsPathAndRoot() throws IOException {
        Path file = write("docs/intro.md", "# Intro\n\n소개\n");

        scan(config());

        String uri = file.toUri().toString();
        RawDocument document = sink.published().getFirst();
        assertThat(document.uri()).isEqualTo(uri);
        assertThat(document.docId()).isEqualTo(Ids.docId("default", "files", uri));
        assertThat(document.title()).contains("intro.md");
        assertThat(document.contentType()).isEqualTo("text/markdown");
        assertThat(document.contentEncoding()).isEqualTo(ContentEncoding.TEXT);
        assertThat(document.content()).isEqualTo("# Intro\n\n소개\n");
        assertThat(document.contentHash()).isEqualTo(Ids.contentHash(Files.readAllBytes(file)));
        assertThat(document.metadata())
                .containsEntry("path", "docs/intro.md")
                .containsEntry("root", root.toAbsolutePath().normalize().toString());
        assertThat(state.get(uri))
                .hasValueSatisfying(entry -> assertThat(entry.docId()).isEqualTo(document.docId()));
    }

    @Test
    void fileAboveMaxFileBytesIsSkippedAndTheScanGoesOn() throws IOException {
        write("small.txt", "0123456789");
        write("big.txt", "0123456789A");

        FileLoadSummary summary = scan(config().withMaxFileBytes(10));

        assertThat(publishedPaths()).containsExactly("small.txt");
        assertThat(summary.skipped()).isEqualTo(1);
        assertThat(summary.published()).isEqualTo(1);
        assertThat(counters.skippedCount()).isEqualTo(1);
    }

    @Test
    void documentTheSinkRefusesAsTooLargeIsSkippedAndTheScanGoesOn() throws IOException {
        write("small.txt", "tiny");
        write("big.txt", "far too large for this sink");
        RecordingSink smallSink = new RecordingSink(10);

        FileLoadSummary first = new FileLoader(config(), smallSink, state, counters).scan();
        FileLoadSummary second = new FileLoader(config(), smallSink, state, counters).scan();

        assertThat(smallSink.published()).extracting(RawDocument::content).containsExactly("tiny");
        assertThat(first.skipped()).isEqualTo(1);
        assertThat(first.published()).isEqualTo(1);
        assertThat(second.skipped())
                .as("a refused file is never recorded as published")
                .isEqualTo(1);
    }

    @Test
    void symlinkLeavingTheRootIsRefusedWhileOneInsideIsFollowed() throws IOException {
        Path secret = Files.writeString(elsewhere.resolve("secret.txt"), "top secret");
        Files.createDirectories(elsewhere.resolve("dir"));
        Files.writeString(elsewhere.resolve("dir/also-secret.txt"), "also secret");
        Path real = write("real.txt", "inside");
        write("docs/a.md", "a");
        assumeSymbolicLinks(root.resolve("inside-link.txt"), real);
        Files.createSymbolicLink(root.resolve("linked-docs"), root.resolve("docs"));
        Files.createSymbolicLink(root.resolve("out-link.txt"), secret);
        Files.createSymbolicLink(root.resolve("out-dir"), elsewhere.resolve("dir"));
        Files.createSymbolicLink(root.resolve("sneaky.txt"), Path.of("../" + elsewhere.getFileName() + "/secret.txt"));

        FileLoadSummary summary = scan(config());

        assertThat(publishedPaths()).containsExactly("docs/a.md", "inside-link.txt", "linked-docs/a.md", "real.txt");
        assertThat(sink.published()).extracting(RawDocument::content).noneMatch(c -> c.contains("secret"));
        assertThat(summary.skipped()).isEqualTo(3);
    }

    @Test
    void unchangedFilesPublishNothingOnASecondScan() throws IOException {
        write("a.md", "a");
        write("sub/b.md", "b");
        FileLoader loader = new FileLoader(config(), sink, state, counters);

        FileLoadSummary first = loader.scan();
        FileLoadSummary second = loader.scan();

        assertThat(first.published()).isEqualTo(2);
        assertThat(second.published()).isZero();
        assertThat(second.unchanged()).isEqualTo(2);
        assertThat(sink.events()).hasSize(2);
    }

    @Test
    void unchangedFilesPublishNothingAfterARestart() throws IOException {
        write("a.md", "a");
        write("sub/b.md", "b");
        Path stateFile = elsewhere.resolve("files-state.json");
        try (IngestState before = IngestState.open(stateFile)) {
            assertThat(new FileLoader(config(), sink, before, counters).scan().published())
                    .isEqualTo(2);
        }

        RecordingSink afterRestart = new RecordingSink();
        FileLoadSummary summary;
        try (IngestState after = IngestState.open(stateFile)) {
            summary = new FileLoader(config(), afterRestart, after, new IngestCounters()).scan();
        }

        assertThat(afterRestart.events()).isEmpty();
        assertThat(summary.unchanged()).isEqualTo(2);
    }

    @Test
    void modifiedFilePublishesANewVersion() throws IOException {
        Path file = write("a.md", "version one");
        FileLoader loader = new FileLoader(config(), sink, state, counters);
        loader.scan();

        Files.writeString(file, "version two"); // the same size, and likely the same modification time
        FileLoadSummary summary = loader.scan();

        assertThat(summary.published()).isEqualTo(1);
        assertThat(sink.published()).extracting(RawDocument::content).containsExactly("version one", "version two");
        assertThat(sink.published())
                .extracting(RawDocument::docId)
                .containsOnly(Ids.docId("default", "files", key(file)));
        assertThat(sink.published().get(1).contentHash()).isEqualTo(Ids.contentHash("version two"));
    }

    @Test
    void fileWithTheSameSizeAndModificationTimeIsNotReadAgain() throws IOException {
        FileTime anHourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
        Path file = write("a.txt", "aaaa");
        Files.setLastModifiedTime(file, anHourAgo);
        FileLoader loader = new FileLoader(config(), sink, state, counters);
        loader.scan();

        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, anHourAgo);
        FileLoadSummary sameAttributes = loader.scan();
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(30, ChronoUnit.MINUTES)));
        FileLoadSummary newerModificationTime = loader.scan();

        assertThat(sameAttributes.unchanged()).isEqualTo(1);
        assertThat(newerModificationTime.published()).isEqualTo(1);
        assertThat(sink.published()).extracting(RawDocument::content).containsExactly("aaaa", "bbbb");
    }

    @Test
    void emptyFileIsSkippedAndAFileEmptiedSincePublishedIsDeleted() throws IOException {
        Path empty = write("a-empty.txt", "");
        Path later = write("b-later.txt", "some text");
        write("c-after.md", "after");
        FileLoader loader = new FileLoader(config(), sink, state, counters);

        FileLoadSummary first = loader.scan();
        Files.writeString(later, "");
        FileLoadSummary second = loader.scan();

        assertThat(first.published()).isEqualTo(2);
        assertThat(first.skipped()).isEqualTo(1);
        assertThat(publishedPaths()).containsExactly("b-later.txt", "c-after.md");
        assertThat(second.deleted()).isEqualTo(1);
        assertThat(sink.deleted()).containsExactly(docId(later));
        assertThat(state.get(key(empty))).isEmpty();
        assertThat(state.get(key(later))).isEmpty();
    }

    @Test
    void fileTheContractRefusesFailsAloneAndTheScanGoesOn() throws IOException {
        write("a.md", "first");
        write("b.md", "refused");
        write("c.md", "third");
        DocumentSink refusing = new DocumentSink() {
            @Override
            public void publish(RawDocument document) {
                if (document.content().equals("refused")) {
                    throw new ContractViolationException(
                            "RawDocument",
                            List.of(new ContractViolationException.Violation(
                                    "$.content", "test", "refused by this test")));
                }
                sink.publish(document);
            }

            @Override
            public void delete(String docId, String tenant) {
                sink.delete(docId, tenant);
            }

            @Override
            public void close() {}
        };

        FileLoadSummary summary = new FileLoader(config(), refusing, state, counters).scan();

        assertThat(summary.failed()).isEqualTo(1);
        assertThat(publishedPaths()).containsExactly("a.md", "c.md");
    }

    @Test
    void deletedFilesPublishTombstonesOnTheNextScan() throws IOException {
        Path a = write("a.md", "a");
        Path b = write("sub/b.md", "b");
        Path c = write("sub/deeper/c.md", "c");
        write("keep.md", "keep");
        FileLoader loader = new FileLoader(config(), sink, state, counters);
        loader.scan();

        Files.delete(a);
        deleteTree(root.resolve("sub"));
        FileLoadSummary summary = loader.scan();
        FileLoadSummary again = loader.scan();

        assertThat(sink.deleted()).containsExactlyInAnyOrder(docId(a), docId(b), docId(c));
        assertThat(summary.deleted()).isEqualTo(3);
        assertThat(again.deleted()).isZero();
        assertThat(state.keys()).containsExactly(key(root.resolve("keep.md")));
    }

    @Test
    void fileNoLongerMatchingTheGlobsIsDeleted() throws IOException {
        write("a.md", "a");
        Path notes = write("notes.txt", "notes");
        new FileLoader(config(), sink, state, counters).scan();

        new FileLoader(config().withInclude("**/*.md"), sink, state, counters).scan();

        assertThat(sink.deleted()).containsExactly(docId(notes));
    }

    @Test
    void vanishedRootKeepsItsDocuments() throws IOException {
        write("a.md", "a");
        FileLoader loader = new FileLoader(config(), sink, state, counters);
        loader.scan();

        deleteTree(root);
        FileLoadSummary summary = loader.scan();

        assertThat(sink.deleted()).isEmpty();
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(state.size()).isEqualTo(1);
    }

    @Test
    void textThatIsNotUtf8IsPublishedAsBase64() throws IOException {
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(root.resolve("latin1.txt"), latin1);

        scan(config());

        RawDocument document = sink.published().getFirst();
        assertThat(document.contentType()).isEqualTo("text/plain");
        assertThat(document.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
        assertThat(document.contentBytes()).isEqualTo(latin1);
        assertThat(document.contentHash()).isEqualTo(Ids.contentHash(latin1));
    }

    @Test
    void binaryFormatsArePublishedAsBase64() throws IOException {
        byte[] pdf = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("report.pdf"), pdf);
        write("unknown.zzzq", "?");

        scan(config());

        assertThat(sink.published())
                .extracting(RawDocument::title, RawDocument::contentType, RawDocument::contentEncoding)
                .containsExactlyInAnyOrder(
                        tuple(Optional.of("report.pdf"), "application/pdf", ContentEncoding.BASE64),
                        tuple(Optional.of("unknown.zzzq"), "application/octet-stream", ContentEncoding.BASE64));
        assertThat(sink.published())
                .filteredOn(d -> d.contentType().equals("application/pdf"))
                .singleElement()
                .satisfies(d -> assertThat(d.contentBytes()).isEqualTo(pdf));
    }

    @Test
    void overlappingRootsAreRefused() throws IOException {
        Path inner = Files.createDirectories(root.resolve("inner"));

        assertThatThrownBy(() -> new FileLoader(config().withRoots(root, inner), sink, state, counters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlap");
    }

    private FileLoaderConfig config() {
        return FileLoaderConfig.defaults().withRoots(root);
    }

    private FileLoadSummary scan(FileLoaderConfig config) {
        return new FileLoader(config, sink, state, counters).scan();
    }

    private List<String> publishedPaths() {
        return sink.published().stream()
                .map(d -> d.metadata().get("path"))
                .sorted()
                .toList();
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String key(Path file) {
        return file.toAbsolutePath().normalize().toUri().toString();
    }

    private static String docId(Path file) {
        return Ids.docId("default", "files", key(file));
    }

    private static void assumeSymbolicLinks(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "this file system cannot create symbolic links: " + e);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
