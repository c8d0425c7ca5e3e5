package io.ragstream.embedder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.TextTooLongException;
import io.ragstream.model.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Embedder} that remembers the vectors of passages it embedded, keyed by the sha256 of their text, so the
 * unchanged chunks of a new document version are not embedded again. One model per instance, so the key needs no model.
 */
public final class CachingEmbedder implements Embedder {

    private final Embedder embedder;
    private final Cache<String, float[]> vectors;
    private long hits;
    private long misses;

    public CachingEmbedder(Embedder embedder, long maxEntries) {
        this.embedder = embedder;
        this.vectors = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    @Override
    public String modelId() {
        return embedder.modelId();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public List<float[]> embed(List<String> texts, InputKind kind) {
        if (kind == InputKind.QUERY) {
            return embedder.embed(texts, kind);
        }
        float[][] result = new float[texts.size()][];
        Map<String, List<Integer>> missing = new HashMap<>();
        List<String> hashes = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String hash = Ids.contentHash(texts.get(i));
            hashes.add(hash);
            float[] cached = vectors.getIfPresent(hash);
            if (cached != null) {
                result[i] = cached;
            } else {
                missing.computeIfAbsent(hash, h -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<Integer> firsts =
                    missing.values().stream().map(List::getFirst).sorted().toList();
            List<float[]> computed;
            try {
                computed = embedder.embed(firsts.stream().map(texts::get).toList(), kind);
            } catch (TextTooLongException e) {
                throw e.atIndex(firsts.get(e.index())); // the position in the caller's batch, not among the misses
            }
            for (int j = 0; j < firsts.size(); j++) {
                String hash = hashes.get(firsts.get(j));
                vectors.put(hash, computed.get(j));
                for (int i : missing.get(hash)) {
                    result[i] = computed.get(j);
                }
            }
        }
        synchronized (this) {
            misses += missing.size();
            hits += texts.size()
                    - missing.values().stream().mapToInt(List::size).sum();
        }
        return List.of(result);
    }

    /** Passages answered from the cache so far. */
    public synchronized long hits() {
        return hits;
    }

    /** Distinct passages that had to be embedded so far. */
    public synchronized long misses() {
        return misses;
    }

    @Override
    public void close() {
        embedder.close();
    }
}
