package io.ragstream.embedder;

import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Creates, updates and deletes of documents as the chunker would publish them, with the state they must leave. */
final class Traffic {

    static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    /** Each message made gets a later sequence than every one made before it, as the chunker gives them. */
    private static final AtomicLong SEQUENCES = new AtomicLong();

    private static final String[] WORDS = {
        "kafka",
        "stream",
        "vector",
        "index",
        "chunk",
        "document",
        "update",
        "delete",
        "tenant",
        "search",
        "fresh",
        "embedding",
        "partition",
        "offset",
        "commit",
        "store",
        "milvus",
        "lucene",
        "query",
        "context"
    };

    final List<ChunkMessage> messages = new ArrayList<>();
    /** docId → the chunk ids the store must hold for it at the end (empty for a deleted document). */
    final Map<String, List<String>> expected = new LinkedHashMap<>();

    private final Random random;
    private final String prefix;

    Traffic(long seed, String prefix) {
        this.random = new Random(seed);
        this.prefix = prefix;
    }

    /** {@code documents} creates, then updates of about a fifth of them, then deletes of about a tenth, in that order. */
    static Traffic mixed(long seed, int documents) {
        return mixed(seed, documents, "fs");
    }

    /** The same, with docIds {@code <prefix>:doc-N}, so several runs on one topic never share a document. */
    static Traffic mixed(long seed, int documents, String prefix) {
        Traffic traffic = new Traffic(seed, prefix);
        for (int i = 0; i < documents; i++) {
            traffic.upsert(i, 0);
        }
        for (int i = 0; i < documents / 5; i++) {
            traffic.upsert(traffic.random.nextInt(documents), 1 + i);
        }
        for (int i = 0; i < documents / 10; i++) {
            traffic.delete(traffic.random.nextInt(documents));
        }
        return traffic;
    }

    ChunkedDocument upsert(int number, int revision) {
        String docId = docId(number);
        int chunkCount = 1 + random.nextInt(3);
        List<String> texts = new ArrayList<>();
        for (int c = 0; c < chunkCount; c++) {
            StringBuilder text = new StringBuilder("Document " + number + " part " + c + ":");
            for (int w = 0; w < 12 + random.nextInt(20); w++) {
                text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            if (revision > 0 && c == 0) {
                text.append(" revised ").append(revision); // later chunks may be unchanged: the cache serves them
            }
            texts.add(text.toString());
        }
        ChunkedDocument document = document(docId, String.join("\n", texts) + "#" + revision, texts);
        messages.add(document);
        expected.put(docId, document.chunks().stream().map(Chunk::chunkId).toList());
        return document;
    }

    void delete(int number) {
        messages.add(new DocumentDeletion(docId(number), SEQUENCES.incrementAndGet(), AT, Optional.of("acme")));
        expected.put(docId(number), List.of());
    }

    String docId(int number) {
        return prefix + ":doc-" + number;
    }

    static ChunkedDocument document(String docId, String content, List<String> texts) {
        return document(docId, SEQUENCES.incrementAndGet(), content, texts);
    }

    static DocumentDeletion deletion(String docId) {
        return new DocumentDeletion(docId, SEQUENCES.incrementAndGet(), AT, Optional.of("acme"));
    }

    static ChunkedDocument document(String docId, long sequence, String content, List<String> texts) {
        String version = Ids.contentHash(content);
        List<Chunk> chunks = new ArrayList<>();
        int offset = 0;
        for (int c = 0; c < texts.size(); c++) {
            String text = texts.get(c);
            chunks.add(
                    new Chunk(Ids.chunkId(docId, sequence, c), c, text, 0, offset, offset + text.length(), List.of()));
            offset += text.length() + 1;
        }
        DocumentInfo info = new DocumentInfo(
                "fs", "file:///kb/" + docId, Optional.of("Doc " + docId), "text/markdown", Map.of(), List.of("kb"), AT);
        return new ChunkedDocument(docId, "acme", version, sequence, info, chunks, AT);
    }
}
