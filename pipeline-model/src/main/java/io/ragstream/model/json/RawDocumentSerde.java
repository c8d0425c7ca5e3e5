package io.ragstream.model.json;

import io.ragstream.model.RawDocument;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for {@link RawDocument} values on {@code ragstream.docs.raw}. Both directions check the JSON Schema, so a broken
 * record is refused before it is sent and named precisely when it is read; a null value is a tombstone.
 */
public final class RawDocumentSerde implements Serde<RawDocument>, Serializer<RawDocument>, Deserializer<RawDocument> {

    private final RawDocumentCodec codec = RawDocumentCodec.instance();

    @Override
    public byte[] serialize(String topic, RawDocument document) {
        return document == null ? null : codec.encode(document);
    }

    @Override
    public RawDocument deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the JSON mapping is fixed by the contract.
    }

    @Override
    public void close() {
        // Holds no resources.
    }

    @Override
    public Serializer<RawDocument> serializer() {
        return this;
    }

    @Override
    public Deserializer<RawDocument> deserializer() {
        return this;
    }
}
