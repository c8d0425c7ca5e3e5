package io.ragstream.store;

import java.util.List;
import java.util.Optional;

/** The alias rules both stores keep, those of Milvus: an alias names one real collection, which cannot be dropped. */
final class AliasRules {

    private AliasRules() {}

    /**
     * Refuses to drop a collection through an alias, or while an alias resolves to it (searches through the alias would
     * start failing).
     */
    static void requireDroppable(String collection, Optional<String> aliasTarget, List<String> aliasesOfIt) {
        aliasTarget.ifPresent(target -> {
            throw new IllegalArgumentException(
                    collection + " is an alias of collection " + target + "; drop the collection by its own name");
        });
        if (!aliasesOfIt.isEmpty()) {
            throw new IllegalStateException("collection " + collection + " is the target of alias(es) "
                    + aliasesOfIt.stream().sorted().toList()
                    + "; point them at another collection before dropping it");
        }
    }

    /** Refuses an alias that would hide a collection, or that would point at another alias. */
    static void requirePointable(String alias, String collection, boolean aliasIsACollection, boolean targetIsAnAlias) {
        if (aliasIsACollection) {
            throw new IllegalArgumentException(
                    "alias " + alias + " is the name of a collection; choose another name for the alias");
        }
        if (targetIsAnAlias) {
            throw new IllegalArgumentException("alias " + alias + " cannot point at " + collection
                    + ", which is itself an alias; point it at a collection");
        }
    }
}
