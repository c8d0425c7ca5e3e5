package io.ragstream.query;

import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Read-your-writes on the embedded Lucene store. */
class ReadYourWritesIT extends ReadYourWritesContract {

    @TempDir
    static Path dir;

    @Override
    protected VectorStore openStore() {
        return new LuceneVectorStore(dir);
    }

    @Override
    protected String collection() {
        return "chunks";
    }
}
