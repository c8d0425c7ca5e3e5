/**
 * The {@code VectorStore} interface and its Milvus and embedded Lucene implementations; filled by the vector-store issue.
 */
package io.ragstream.store;
