/** JSON serdes for the pipeline's topics, usable by plain Kafka clients and Kafka Streams. */
package io.ragstream.model.json;
