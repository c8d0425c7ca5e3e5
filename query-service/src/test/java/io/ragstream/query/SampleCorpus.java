package io.ragstream.query;

import io.ragstream.store.ChunkRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jsoup.Jsoup;

/** The repository's sample corpus (English and Korean) as chunks, one per paragraph, and questions written for it. */
final class SampleCorpus {

    /** Questions and the document that answers each. */
    static final Map<String, String> QUESTIONS = Map.of(
            "What does a compacted topic keep for each key?", "kb:en/log-compaction.md",
            "How does reciprocal rank fusion combine result lists without using raw scores?", "kb:en/hybrid-search.md",
            "Why should each chunk remember the path of headings above it?", "kb:en/chunking.md",
            "Which Milvus consistency level waits until every acknowledged write is visible?", "kb:en/milvus.md",
            "Should transient failures such as a database outage go to the dead-letter queue?",
                    "kb:en/dead-letter-queues.html",
            "같은 키를 가진 레코드는 어느 파티션으로 가나요?", "kb:ko/kafka-basics.md",
            "검색 증강 생성은 무엇인가요?", "kb:ko/rag-overview.md");

    private SampleCorpus() {}

    /** Every Markdown and HTML file of {@code samples/corpus/{en,ko}}, docId {@code kb:<path>}, for the tenant. */
    static List<ChunkRecord> chunks(String tenant) throws IOException {
        List<ChunkRecord> chunks = new ArrayList<>();
        Path corpus = Path.of(System.getProperty("user.dir")).getParent().resolve("samples/corpus");
        try (Stream<Path> files = Files.walk(corpus)) {
            for (Path file : files.filter(f -> f.toString().matches(".*/(en|ko)/.*\\.(md|html)"))
                    .sorted()
                    .toList()) {
                String name = corpus.relativize(file).toString();
                List<String> paragraphs = paragraphs(file);
                for (int i = 0; i < paragraphs.size(); i++) {
                    chunks.add(chunk(tenant, "kb:" + name, i, paragraphs.get(i)));
                }
            }
        }
        return chunks;
    }

    static ChunkRecord chunk(String tenant, String docId, int ordinal, String text) {
        return new ChunkRecord(
                docId + "#v1#" + ordinal,
                docId,
                tenant,
                "v1",
                "test",
                "https://kb.test/" + docId,
                Optional.of(docId),
                ordinal,
                text,
                List.of(),
                List.of(),
                Map.of(),
                Instant.parse("2026-11-22T10:00:00Z"));
    }

    /** A file's paragraphs: blank-line separated for Markdown, block text for HTML. */
    private static List<String> paragraphs(Path file) throws IOException {
        String content = Files.readString(file);
        if (file.toString().endsWith(".html")) {
            List<String> blocks = new ArrayList<>();
            Jsoup.parse(content).select("h1,h2,p").forEach(e -> blocks.add(e.text()));
            return blocks;
        }
        return Stream.of(content.split("\\n\\s*\\n"))
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .toList();
    }
}
