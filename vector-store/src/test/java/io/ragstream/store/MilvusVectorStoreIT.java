package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.ragstream.testkit.MilvusFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
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
}
