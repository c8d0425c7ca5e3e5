package io.ragstream.store;

/** A collection exists but was made for another model or dimension; writing to it would mix incomparable vectors. */
public final class IncompatibleCollectionException extends IllegalStateException {

    public IncompatibleCollectionException(String collection, CollectionSpec existing, CollectionSpec wanted) {
        super(
                "collection %s holds vectors of model %s (%d dimensions), not %s (%d dimensions); index into a new collection and point the alias at it, or configure model %s"
                        .formatted(
                                collection,
                                existing.modelId(),
                                existing.dimension(),
                                wanted.modelId(),
                                wanted.dimension(),
                                existing.modelId()));
    }
}
