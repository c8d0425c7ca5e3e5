package io.ragstream.model.json;

import io.ragstream.model.DocumentStatus;

/** Serde for {@link DocumentStatus} values on {@code ragstream.status}. */
public final class DocumentStatusSerde extends JsonSerde<DocumentStatus> {
    public DocumentStatusSerde() {
        super(DocumentStatus.class);
    }
}
