package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.ragstream.testkit.MilvusFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MilvusVectorStoreIT extends VectorStoreContract {

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    @Override
    protected VectorStore openStore() {
        return new MilvusVectorStore(milvus.client(), milvus.uri());
    }

    @Override
    protected String newCollectionName() {
        return milvus.uniqueCollection("chunks");
    }

    @Test
    void tenantIsThePartitionKeyAndTheSpecIsInTheCollectionProperties() {
        var description = milvus.client()
                .describeCollection(DescribeCollectionReq.builder()
                        .collectionName(collection)
                        .build());

        assertThat(description.getCollectionSchema().getField("tenant").getIsPartitionKey())
                .isTrue();
        assertThat(description.getProperties()).containsAllEntriesOf(CollectionSpecs.toProperties(SPEC));
    }

    @Test
    void connectingToAnUnreachableServerFailsAsUnavailable() throws IOException {
        String nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = "http://127.0.0.1:" + socket.getLocalPort();
        }

        assertThatThrownBy(() -> MilvusVectorStore.connect(nobody, Optional.empty(), Duration.ofSeconds(1)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(nobody);
    }

    @Test
    void aReaderSeesOneVersionOfADocumentWhileAnUpdateIsHalfWritten() {
        Random random = new Random(5);
        List<EmbeddedChunk> v1 = new ArrayList<>();
        List<EmbeddedChunk> v2 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            v1.add(TestChunks.chunk("web:a", i).version("v1").embedded(TestChunks.randomUnitVector(random)));
            v2.add(TestChunks.chunk("web:a", i).version("v2").embedded(TestChunks.randomUnitVector(random)));
        }
        store.upsert(collection, v1);
        // An update is an upsert, then a delete: between the two RPCs both versions are in the collection.
        milvus.client()
                .upsert(UpsertReq.builder()
                        .collectionName(collection)
                        .data(MilvusVectorStore.rows(new DocumentWrite("web:a", 2, v2), SPEC))
                        .build());

        List<SearchHit> hits = store.search(
                collection,
                SearchRequest.dense(v1.getFirst().vector(), 10, SearchFilter.tenant(TENANT))
                        .withReadYourWrites());

        assertThat(hits).isNotEmpty().allSatisfy(hit -> assertThat(hit.chunk().version())
                .isEqualTo("v2"));
        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::version)
                .containsExactly("v2", "v2", "v2");
    }

    @Test
    void aCollectionWithoutSequencesIsRefusedWithTheFix() {
        String old = milvus.uniqueCollection("old");
        ForeignCollections.create(milvus.client(), old, SPEC, false, false);

        assertThatThrownBy(() -> store.ensureCollection(old, SPEC))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("earlier ragstream")
                .hasMessageContaining("new collection");
    }
}
