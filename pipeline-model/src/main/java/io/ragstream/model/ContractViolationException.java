package io.ragstream.model;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record breaks its topic's contract. The message names the field and the rule; the record belongs in a dead-letter
 * topic, never silently dropped.
 */
public final class ContractViolationException extends SerializationException {

    /** One broken rule: the JSON path of the field (e.g. {@code $.docId}), the rule, and what was wrong. */
    public record Violation(String field, String rule, String message) {}

    private final transient List<Violation> violations;

    public ContractViolationException(String recordType, List<Violation> violations) {
        super(describe(recordType, violations));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a contract violation needs at least one broken rule");
        }
        this.violations = List.copyOf(violations);
    }

    /** Every broken rule, the most telling first. */
    public List<Violation> violations() {
        return violations;
    }

    /** The JSON path of the first broken field, e.g. {@code $.docId}. */
    public String field() {
        return violations.getFirst().field();
    }

    /** The first broken rule, e.g. {@code required} or {@code type}. */
    public String rule() {
        return violations.getFirst().rule();
    }

    private static String describe(String recordType, List<Violation> violations) {
        StringBuilder text = new StringBuilder(recordType).append(" breaks its contract: ");
        for (int i = 0; i < violations.size(); i++) {
            Violation v = violations.get(i);
            if (i > 0) {
                text.append("; ");
            }
            text.append("field ")
                    .append(v.field())
                    .append(" ")
                    .append(v.message())
                    .append(" (rule: ")
                    .append(v.rule())
                    .append(")");
        }
        return text.toString();
    }
}
