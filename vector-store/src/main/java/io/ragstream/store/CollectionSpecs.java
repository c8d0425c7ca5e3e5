package io.ragstream.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How every store records a {@link CollectionSpec} beside its data, and the checks every store makes against it. Lucene
 * keeps the map in the index's commit user data, Milvus in the collection's properties.
 */
final class CollectionSpecs {

    static final String MODEL_ID = "ragstream.model_id";
    static final String DIMENSION = "ragstream.dimension";
    static final String TEXT_ANALYZER = "ragstream.text_analyzer";

    static final String STANDARD = "standard";
    static final String KOREAN = "korean";
    static final Set<String> ANALYZERS = Set.of(STANDARD, KOREAN);

    private CollectionSpecs() {}

    static Map<String, String> toProperties(CollectionSpec spec) {
        return Map.of(
                MODEL_ID, spec.modelId(),
                DIMENSION, Integer.toString(spec.dimension()),
                TEXT_ANALYZER, spec.textAnalyzer());
    }

    /** The spec recorded in a collection's properties; empty when the collection was not made by a ragstream store. */
    static Optional<CollectionSpec> fromProperties(Map<String, String> properties) {
        String modelId = properties.get(MODEL_ID);
        String dimension = properties.get(DIMENSION);
        if (modelId == null || dimension == null) {
            return Optional.empty();
        }
        return Optional.of(new CollectionSpec(
                modelId, Integer.parseInt(dimension), properties.getOrDefault(TEXT_ANALYZER, STANDARD)));
    }

    static void requireSupportedAnalyzer(CollectionSpec spec) {
        if (!ANALYZERS.contains(spec.textAnalyzer())) {
            throw new IllegalArgumentException("text analyzer '" + spec.textAnalyzer() + "' of model " + spec.modelId()
                    + " is not supported; use one of "
                    + ANALYZERS.stream().sorted().toList());
        }
    }

    /** Refuses to reuse a collection made for other vectors or another text analysis. */
    static void requireCompatible(String collection, CollectionSpec existing, CollectionSpec wanted) {
        if (!existing.modelId().equals(wanted.modelId()) || existing.dimension() != wanted.dimension()) {
            throw new IncompatibleCollectionException(collection, existing, wanted);
        }
        if (!existing.textAnalyzer().equals(wanted.textAnalyzer())) {
            throw new IllegalStateException("collection " + collection + " analyses text with '"
                    + existing.textAnalyzer() + "', not '" + wanted.textAnalyzer()
                    + "'; index into a new collection and point the alias at it, or configure '"
                    + existing.textAnalyzer() + "'");
        }
    }

    /** Refuses a vector that cannot be compared with the collection's vectors. */
    static void requireDimension(String collection, CollectionSpec spec, String what, float[] vector) {
        if (vector.length != spec.dimension()) {
            throw new IllegalArgumentException(what + " has " + vector.length + " dimensions; collection " + collection
                    + " holds vectors of model " + spec.modelId() + " (" + spec.dimension()
                    + " dimensions); embed it with that model");
        }
    }
}
