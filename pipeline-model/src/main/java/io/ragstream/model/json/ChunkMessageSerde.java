package io.ragstream.model.json;

import io.ragstream.model.ChunkMessage;

/** Serde for {@link ChunkMessage} values on {@code ragstream.chunks}. */
public final class ChunkMessageSerde extends JsonSerde<ChunkMessage> {
    public ChunkMessageSerde() {
        super(ChunkMessage.class);
    }
}
