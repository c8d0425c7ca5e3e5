package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a {@link RawDocument}'s {@code content} field is written. */
public enum ContentEncoding {
    /** The content is the document's text itself. */
    @JsonProperty("text")
    TEXT,
    /** The content is the document's bytes in base64, for binary formats such as PDF or DOCX. */
    @JsonProperty("base64")
    BASE64
}
