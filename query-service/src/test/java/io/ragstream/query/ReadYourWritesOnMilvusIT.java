package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.json.Json;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Read-your-writes on a standalone Milvus server, which honours consistency levels: a search right after a write at the
 * default (bounded) consistency does not see it there, so this is where a missing strong read shows.
 */
class ReadYourWritesOnMilvusIT extends ReadYourWritesContract {

    @RegisterExtension
    static final MilvusFixture milvus = MilvusFixture.standalone();

    private final String collection = milvus.uniqueCollection("ryw");

    @Override
    protected VectorStore openStore() {
        return new MilvusVectorStore(milvus.client(), milvus.uri());
    }

    @Override
    protected String collection() {
        return collection;
    }

    /** Milvus 2.3 has no BM25 function: a hybrid search is refused with what to do, never a 500. */
    @Test
    void hybridSearchOnAServerWithoutBm25AnswersAClearError() throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("query", "penguins", "mode", "hybrid"));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + "/v1/search"))
                        .header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("mode").contains("dense");
    }
}
