package io.ragstream.store;

/** The names under which both stores keep a chunk's parts, so a Lucene index and a Milvus collection read alike. */
final class ChunkFields {

    static final String CHUNK_ID = "chunk_id";
    static final String DOC_ID = "doc_id";
    static final String TENANT = "tenant";
    static final String VERSION = "version";
    static final String SEQUENCE = "sequence";
    static final String SOURCE = "source";
    static final String URI = "uri";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String ORDINAL = "ordinal";
    static final String HEADING_PATH = "heading_path";
    static final String TAGS = "tags";
    static final String METADATA = "metadata";
    static final String INGESTED_AT = "ingested_at";
    static final String MODEL_ID = "model_id";
    static final String EMBEDDING = "embedding";

    private ChunkFields() {}
}
