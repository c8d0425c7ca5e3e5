package io.ragstream.store;

import static io.ragstream.store.TestChunks.chunk;
import static io.ragstream.store.TestChunks.randomUnitVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.ragstream.testkit.MilvusFixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on a real standalone Milvus server (2.3.5), which honours consistency levels and takes concurrent
 * writers, and the server's own defects that the store works around.
 */
class MilvusStandaloneIT extends VectorStoreContract {

    @RegisterExtension
    static final MilvusFixture milvus = MilvusFixture.standalone();

    /**
     * Every contract test reads right after it writes: on a server that honours consistency levels, its searches ask to
     * read their writes (a bounded read may answer from before the write, which is the server's promise, not a fault).
     */
    @Override
    protected VectorStore openStore() {
        return new ForwardingStore(new MilvusVectorStore(milvus.client(), milvus.uri())) {
            @Override
            public List<SearchHit> search(String collection, SearchRequest request) {
                return super.search(collection, request.withReadYourWrites());
            }
        };
    }

    @Override
    protected String newCollectionName() {
        return milvus.uniqueCollection("chunks");
    }

    /**
     * Milvus 2.3 loses rows upserted into a collection with a partition key: the store makes its collections without
     * one there, and every row of every tenant can be found.
     */
    @Test
    void everyUpsertedRowOfEveryTenantIsFoundOnAServerWhosePartitionKeyUpsertsLoseRows() {
        Random random = new Random(3);
        List<EmbeddedChunk> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(chunk("web:d" + (i / 10), i % 10)
                    .tenant(i % 2 == 0 ? "acme" : "globex")
                    .embedded(randomUnitVector(random)));
        }

        store.upsert(collection, rows);

        assertThat(store.count(collection, SearchFilter.tenant("acme"))).isEqualTo(50);
        assertThat(store.count(collection, SearchFilter.tenant("globex"))).isEqualTo(50);
        assertThat(milvus.client()
                        .describeCollection(DescribeCollectionReq.builder()
                                .collectionName(collection)
                                .build())
                        .getCollectionSchema()
                        .getField("tenant")
                        .getIsPartitionKey())
                .isFalse();
        assertThat(store.supportsHybrid()).isFalse();
    }

    /** The outage tests stop and start this server: it comes back on the same port with its data, and answers. */
    @Test
    void aRestartedServerComesBackWithItsChunks() throws Exception {
        Random random = new Random(5);
        List<EmbeddedChunk> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(chunk("web:restart", i).embedded(randomUnitVector(random)));
        }
        store.upsert(collection, rows);

        milvus.stopServer();
        milvus.startServer();

        try (VectorStore reopened = MilvusVectorStore.connect(milvus.uri(), java.util.Optional.empty())) {
            org.awaitility.Awaitility.await("the restarted server answers a count")
                    .atMost(java.time.Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> reopened.count(collection, SearchFilter.tenant("acme")) == 12);
        }
    }

    @Test
    void aPartitionKeyCollectionIsRefusedOnSuchAServerWithTheFix() {
        String old = milvus.uniqueCollection("partitioned");
        ForeignCollections.create(milvus.client(), old, SPEC, true, true);

        assertThatThrownBy(() -> store.ensureCollection(old, SPEC))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("partition key")
                .hasMessageContaining("new collection");
    }

    /**
     * Writers that race on the same documents, each through its own client (as replicas, a zombie and a replay would):
     * whatever the interleaving, each document ends as exactly its highest sequence, nothing of a lower one stays, and a
     * removal at the highest sequence stays removed.
     */
    @Test
    void racingWritersOfTheSameDocumentsLeaveExactlyTheHighestSequenceOfEach() throws Exception {
        int documents = 12;
        int writers = 4;
        int versions = 6;
        Random random = new Random(11);
        Map<String, List<String>> expected = new HashMap<>();
        List<List<DocumentWrite>> plans = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            plans.add(new ArrayList<>());
        }
        for (int d = 0; d < documents; d++) {
            String docId = "web:race" + d;
            for (int v = 1; v <= versions; v++) {
                boolean removal = d % 4 == 0 && v == versions;
                List<EmbeddedChunk> chunks = new ArrayList<>();
                if (!removal) {
                    int count = 1 + random.nextInt(4);
                    for (int c = 0; c < count; c++) {
                        chunks.add(chunk(docId, c).version("r" + v).sequence(v).embedded(randomUnitVector(random)));
                    }
                }
                DocumentWrite write = new DocumentWrite(docId, v, chunks);
                plans.get(random.nextInt(writers)).add(write);
                if (v == versions) {
                    expected.put(
                            docId, chunks.stream().map(c -> c.chunk().chunkId()).toList());
                }
            }
        }
        plans.forEach(plan -> Collections.shuffle(plan, random));

        List<VectorStore> stores = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> running = new ArrayList<>();
            for (List<DocumentWrite> plan : plans) {
                VectorStore own = MilvusVectorStore.connect(milvus.uri(), java.util.Optional.empty());
                stores.add(own);
                running.add(pool.submit(() -> {
                    for (int i = 0; i < plan.size(); i += 3) {
                        own.apply(collection, new StoreChanges(plan.subList(i, Math.min(plan.size(), i + 3))));
                    }
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            stores.forEach(VectorStore::close);
        }

        long total = 0;
        for (int d = 0; d < documents; d++) {
            String docId = "web:race" + d;
            assertThat(store.chunksOf(collection, docId))
                    .as("chunks of %s", docId)
                    .extracting(ChunkRecord::chunkId)
                    .containsExactlyElementsOf(expected.get(docId));
            total += expected.get(docId).size();
        }
        assertThat(store.count(collection, SearchFilter.tenant(TENANT)))
                .as("no row of a lower sequence left anywhere")
                .isEqualTo(total);
    }
}
