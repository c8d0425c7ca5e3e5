package io.ragstream.client.langchain4j;

import java.util.Optional;

/** The query API refused a request or could not be reached: the HTTP status, the API's code and message, the field. */
public final class RagstreamException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public RagstreamException(int status, String code, String message, String field) {
        super("ragstream " + status + " " + code + ": " + message + (field == null ? "" : " (field " + field + ")"));
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** The HTTP status; 0 when the service could not be reached. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The request field the API blames, when it names one. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
