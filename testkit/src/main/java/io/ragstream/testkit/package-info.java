/** Fixtures that give tests real servers: a KRaft Kafka broker and a Milvus server. Test scope only. */
package io.ragstream.testkit;
