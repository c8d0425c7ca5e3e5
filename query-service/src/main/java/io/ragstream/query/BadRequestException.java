package io.ragstream.query;

import java.util.Optional;

/** A request the API refuses: the message says what is wrong and, where one field is to blame, names it. */
final class BadRequestException extends IllegalArgumentException {

    private final Optional<String> field;

    BadRequestException(String message, Optional<String> field) {
        super(message);
        this.field = field;
    }

    static BadRequestException field(String field, String message) {
        return new BadRequestException(message, Optional.of(field));
    }

    Optional<String> field() {
        return field;
    }
}
