package io.ragstream.ingest.upload;

import java.util.Optional;

/**
 * A request the API refuses: why, a message that names the input, the limit and the fix, and the field to blame when
 * there is one. {@link UploadApi} turns the reason into the HTTP status and error code.
 */
final class RequestRefusedException extends RuntimeException {

    /** Why a request is refused; each has one status and one error code. */
    enum Reason {
        INVALID,
        UNAUTHORIZED,
        NOT_FOUND,
        TOO_LARGE,
        UNSUPPORTED_TYPE,
        UNAVAILABLE,
        /** As many uploads as the service takes at once are in progress. */
        BUSY
    }

    private final Reason reason;
    private final Optional<String> field;

    RequestRefusedException(Reason reason, String message, Optional<String> field) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    static RequestRefusedException invalid(String field, String message) {
        return new RequestRefusedException(Reason.INVALID, message, Optional.of(field));
    }

    static RequestRefusedException invalid(String message) {
        return new RequestRefusedException(Reason.INVALID, message, Optional.empty());
    }

    static RequestRefusedException tooLarge(String message) {
        return new RequestRefusedException(Reason.TOO_LARGE, message, Optional.empty());
    }

    static RequestRefusedException unsupportedType(Optional<String> field, String message) {
        return new RequestRefusedException(Reason.UNSUPPORTED_TYPE, message, field);
    }

    Reason reason() {
        return reason;
    }

    Optional<String> field() {
        return field;
    }
}
