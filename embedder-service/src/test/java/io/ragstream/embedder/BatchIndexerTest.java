package io.ragstream.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.DocumentStatus.Stage;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.LuceneVectorStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchIndexerTest {

    private static OnnxEmbedder model;

    @TempDir
    Path directory;

    private LuceneVectorStore store;
    private CachingEmbedder embedder;
    private BatchIndexer indexer;

    @BeforeAll
    static void loadModel() {
        model = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @BeforeEach
    void openStore() {
        store = new LuceneVectorStore(directory);
        store.ensureCollection("chunks", new CollectionSpec(model.modelId(), model.dimension()));
        embedder = new CachingEmbedder(model, 1_000);
        indexer = new BatchIndexer(embedder, store, "chunks", Clock.fixed(Traffic.AT, ZoneOffset.UTC));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void updatedDocumentReplacesItsOldChunks() {
        ChunkedDocument v1 = Traffic.document("fs:a", "v1", List.of("alpha one", "alpha two", "alpha three"));
        ChunkedDocument v2 = Traffic.document("fs:a", "v2", List.of("alpha one, revised"));

        indexer.index(List.of(v1));
        var outcome = indexer.index(List.of(v2));

        assertThat(store.chunksOf("chunks", "fs:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactly(v2.chunks().getFirst().chunkId());
        assertThat(outcome.statuses()).singleElement().satisfies(status -> {
            assertThat(status.stage()).isEqualTo(Stage.INDEXED);
            assertThat(status.version()).contains(v2.version());
            assertThat(status.chunkCount()).contains(1);
        });
    }

    @Test
    void aLateBatchOfAnOlderVersionLeavesTheNewerOneAndPublishesNoStatusForIt() {
        ChunkedDocument v1 = Traffic.document("fs:a", "v1", List.of("alpha one", "alpha two"));
        ChunkedDocument v2 = Traffic.document("fs:a", "v2", List.of("alpha one, revised"));
        indexer.index(List.of(v2));

        var late = indexer.index(List.of(v1, Traffic.document("fs:b", "v1", List.of("another document"))));

        assertThat(store.chunksOf("chunks", "fs:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactly(v2.chunks().getFirst().chunkId());
        assertThat(late.superseded()).isEqualTo(1);
        assertThat(late.statuses()).extracting(status -> status.docId()).containsExactly("fs:b");
    }

    @Test
    void aLateBatchCannotBringADeletedDocumentBack() {
        ChunkedDocument v1 = Traffic.document("fs:a", "v1", List.of("alpha one"));
        indexer.index(List.of(Traffic.deletion("fs:a")));

        var late = indexer.index(List.of(v1));

        assertThat(store.chunksOf("chunks", "fs:a")).isEmpty();
        assertThat(late.statuses()).isEmpty();
    }

    @Test
    void onlyTheLastMessageOfADocumentInABatchCounts() {
        ChunkedDocument v1 = Traffic.document("fs:a", "v1", List.of("first version"));
        ChunkedDocument v2 = Traffic.document("fs:a", "v2", List.of("second version"));
        ChunkedDocument other = Traffic.document("fs:b", "v1", List.of("another document"));

        indexer.index(List.of(v1, other, v2, Traffic.deletion("fs:b")));

        assertThat(store.chunksOf("chunks", "fs:a"))
                .extracting(ChunkRecord::version)
                .containsExactly(v2.version());
        assertThat(store.chunksOf("chunks", "fs:b")).isEmpty();
        assertThat(embedder.misses()).as("superseded versions are not embedded").isEqualTo(1);
    }

    @Test
    void documentEmptiedOfTextLeavesNoChunks() {
        indexer.index(List.of(Traffic.document("fs:a", "v1", List.of("some text"))));

        indexer.index(List.of(Traffic.document("fs:a", "v2", List.of())));

        assertThat(store.chunksOf("chunks", "fs:a")).isEmpty();
    }

    @Test
    void versionThatCouldNotBeReadRemovesTheOldChunksAndStaysFailed() {
        indexer.index(List.of(Traffic.document("fs:a", "v1", List.of("some text"))));
        ChunkedDocument readable = Traffic.document("fs:a", "v2", List.of());
        ChunkedDocument unreadable = new ChunkedDocument(
                readable.docId(),
                readable.tenant(),
                readable.version(),
                readable.sequence(),
                readable.document(),
                List.of(),
                readable.chunkedAt(),
                java.util.Optional.of("encrypted PDF"));

        var outcome = indexer.index(List.of(unreadable));

        assertThat(store.chunksOf("chunks", "fs:a")).isEmpty();
        assertThat(outcome.statuses()).singleElement().satisfies(status -> {
            assertThat(status.stage()).isEqualTo(Stage.FAILED);
            assertThat(status.version()).contains(unreadable.version());
            assertThat(status.reason()).contains("encrypted PDF");
            assertThat(status.tenant()).contains("acme");
        });
    }

    @Test
    void unchangedChunksOfANewVersionAreNotEmbeddedAgain() {
        indexer.index(List.of(Traffic.document("fs:a", "v1", List.of("kept paragraph", "old ending"))));
        long embeddedBefore = embedder.misses();

        indexer.index(List.of(Traffic.document("fs:a", "v2", List.of("kept paragraph", "new ending"))));

        assertThat(embedder.misses() - embeddedBefore).isEqualTo(1);
        assertThat(embedder.hits()).isEqualTo(1);
        assertThat(store.chunksOf("chunks", "fs:a"))
                .extracting(ChunkRecord::text)
                .containsExactly("kept paragraph", "new ending");
    }

    @Test
    void chunkTheModelCannotReadRejectsItsDocumentAndNotTheOthers() {
        indexer.index(List.of(Traffic.document("fs:long", "v1", List.of("short and fine"))));
        ChunkedDocument tooLong = Traffic.document("fs:long", "v2", List.of("fine", "word ".repeat(700)));
        ChunkedDocument fine = Traffic.document("fs:fine", "v1", List.of("a normal chunk"));
        List<ChunkMessage> batch = List.of(tooLong, fine);

        var outcome = indexer.index(batch);

        assertThat(outcome.rejections()).singleElement().satisfies(r -> {
            assertThat(r.index()).isZero();
            assertThat(r.reason()).hasMessageContaining("above the 512 tokens");
        });
        assertThat(store.chunksOf("chunks", "fs:long"))
                .as("no stale version survives")
                .isEmpty();
        assertThat(store.chunksOf("chunks", "fs:fine")).hasSize(1);
        assertThat(outcome.statuses())
                .extracting(s -> s.docId() + ":" + s.stage())
                .containsExactlyInAnyOrder("fs:fine:INDEXED", "fs:long:FAILED");
    }

    @Test
    void aDocumentTheStoreCannotKeepIsRejectedAloneWithTheLimitItBreaks() {
        ChunkedDocument fine = Traffic.document("fs:fine", "v1", List.of("a normal chunk"));
        ChunkedDocument base = Traffic.document("fs:tagged", "v1", List.of("tagged chunk"));
        DocumentInfo info = base.document();
        ChunkedDocument tagged = new ChunkedDocument(
                base.docId(),
                base.tenant(),
                base.version(),
                base.sequence(),
                new DocumentInfo(
                        info.source(),
                        info.uri(),
                        info.title(),
                        info.contentType(),
                        info.metadata(),
                        List.of("태그".repeat(50)),
                        info.fetchedAt()),
                base.chunks(),
                base.chunkedAt());

        var outcome = indexer.index(List.of(tagged, fine));

        assertThat(outcome.rejections()).singleElement().satisfies(r -> assertThat(r.reason())
                .hasMessageContaining("tag is 300 bytes in UTF-8, above the 256 a store keeps"));
        assertThat(store.chunksOf("chunks", "fs:fine")).hasSize(1);
        assertThat(store.chunksOf("chunks", "fs:tagged")).isEmpty();
        assertThat(outcome.statuses())
                .extracting(s -> s.docId() + ":" + s.stage())
                .containsExactlyInAnyOrder("fs:fine:INDEXED", "fs:tagged:FAILED");
    }

    @Test
    void applyingTheSameBatchTwiceChangesNothing() {
        Traffic traffic = Traffic.mixed(3, 20);

        indexer.index(traffic.messages);
        indexer.index(traffic.messages);

        traffic.expected.forEach((docId, chunkIds) -> assertThat(store.chunksOf("chunks", docId))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIds));
    }
}
