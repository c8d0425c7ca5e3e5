/**
 * Where chunk vectors live: one {@link io.ragstream.store.VectorStore} interface with a Milvus implementation for
 * clusters and an embedded Lucene implementation for one machine, held to the same contract by one test suite.
 */
package io.ragstream.store;
