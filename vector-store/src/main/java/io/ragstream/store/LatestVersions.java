package io.ragstream.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How both stores mark a removed document and keep readers to one version of each document.
 *
 * <p>A removal leaves one fence row behind, at the removal's sequence, with ordinal {@value #FENCE_ORDINAL}: no search,
 * count or read returns it, but it is what tells a late write of a lower sequence that the document is gone.
 */
final class LatestVersions {

    /** The ordinal of a fence row; real chunks have ordinals from 0. */
    static final int FENCE_ORDINAL = -1;

    private LatestVersions() {}

    /** The id of the fence row a removal at {@code sequence} leaves. */
    static String fenceId(String docId, long sequence) {
        return docId + "#" + sequence + "#fence";
    }

    /**
     * The items of the highest sequence of each document, in their order. A store without transactions writes a
     * document's new version before it removes the old one; between the two, a reader must not see both.
     */
    static <T> List<T> only(List<T> items, Function<T, ChunkRecord> chunk) {
        Map<String, Long> highest = new HashMap<>();
        for (T item : items) {
            ChunkRecord record = chunk.apply(item);
            highest.merge(record.docId(), record.sequence(), Math::max);
        }
        return items.stream()
                .filter(item -> {
                    ChunkRecord record = chunk.apply(item);
                    return record.sequence() == highest.get(record.docId());
                })
                .toList();
    }
}
