package io.ragstream.query;

import io.ragstream.store.MilvusVectorStore;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.MilvusFixture;
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
}
