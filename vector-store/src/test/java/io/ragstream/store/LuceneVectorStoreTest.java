package io.ragstream.store;

import static io.ragstream.store.TestChunks.chunk;
import static io.ragstream.store.TestChunks.randomUnitVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVectorStoreTest extends VectorStoreContract {

    @TempDir
    Path root;

    private final AtomicInteger names = new AtomicInteger();
    private final Random random = new Random(11);

    @Override
    protected VectorStore openStore() {
        return new LuceneVectorStore(root);
    }

    @Override
    protected String newCollectionName() {
        return "chunks_" + names.incrementAndGet();
    }

    @Test
    void collectionsAndAliasesSurviveReopeningTheStore() {
        EmbeddedChunk written = chunk("web:a", 0).embedded(randomUnitVector(random));
        store.upsert(collection, List.of(written));
        store.pointAlias("live", collection);
        store.close();

        try (VectorStore reopened = new LuceneVectorStore(root)) {
            assertThat(reopened.describe("live")).contains(SPEC);
            assertThat(reopened.search("live", SearchRequest.dense(written.vector(), 1, SearchFilter.tenant(TENANT))))
                    .extracting(SearchHit::chunk)
                    .containsExactly(written.chunk());
        }
        store = openStore();
    }

    @Test
    void writersOnManyThreadsAllLand() throws Exception {
        int threads = 4;
        int chunksEach = 50;
        List<float[]> vectors = IntStream.range(0, threads * chunksEach)
                .mapToObj(i -> randomUnitVector(random))
                .toList();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writers = IntStream.range(0, threads)
                    .<Future<?>>mapToObj(t -> executor.submit(() -> {
                        for (int i = 0; i < chunksEach; i++) {
                            store.upsert(
                                    collection,
                                    List.of(chunk("web:t" + t + "-" + i, 0).embedded(vectors.get(t * chunksEach + i))));
                        }
                    }))
                    .toList();
            for (Future<?> writer : writers) {
                writer.get();
            }
        }

        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(threads * chunksEach);
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        try (VectorStore second = new LuceneVectorStore(root)) {
            assertThatThrownBy(() -> second.count(collection, SearchFilter.tenant(TENANT)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("open in another store");
        }
    }

    @Test
    void koreanCollectionsMatchWordsInsideInflectedForms() {
        String korean = newCollectionName();
        store.ensureCollection(korean, new CollectionSpec(SPEC.modelId(), SPEC.dimension(), "korean"));
        EmbeddedChunk seoul = chunk("web:seoul", 0).text("서울에서 회의가 열렸습니다").embedded(randomUnitVector(random));
        EmbeddedChunk busan = chunk("web:busan", 0).text("부산의 날씨는 맑습니다").embedded(randomUnitVector(random));
        store.upsert(korean, List.of(seoul, busan));
        store.upsert(collection, List.of(seoul, busan));
        // The query vector favours Busan; only the text half can put Seoul first.
        SearchRequest request = SearchRequest.hybrid(busan.vector(), "서울", 2, SearchFilter.tenant(TENANT));

        assertThat(store.search(korean, request))
                .extracting(hit -> hit.chunk().docId())
                .containsExactly("web:seoul", "web:busan");
        assertThat(store.search(collection, request))
                .extracting(hit -> hit.chunk().docId())
                .as("the standard analyzer keeps 서울에서 whole, so 서울 does not match it")
                .containsExactly("web:busan", "web:seoul");
    }

    @Test
    void modelsWithMoreDimensionsThanLuceneIndexesAreRefused() {
        assertThatThrownBy(() -> store.ensureCollection(
                        newCollectionName(),
                        new CollectionSpec("text-embedding-3-large", LuceneVectorStore.MAX_DIMENSIONS + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text-embedding-3-large")
                .hasMessageContaining(Integer.toString(LuceneVectorStore.MAX_DIMENSIONS));
    }

    @Test
    void collectionNamesThatAreNotSafeDirectoryNamesAreRefused() {
        assertThatThrownBy(() -> store.ensureCollection("../escape", SPEC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../escape");
    }
}
