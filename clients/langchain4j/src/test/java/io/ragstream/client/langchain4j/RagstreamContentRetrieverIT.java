package io.ragstream.client.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.query.QueryConfig;
import io.ragstream.query.QueryService;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.LuceneVectorStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retriever against a running query service. */
class RagstreamContentRetrieverIT {

    private static final String KEY = "langchain4j-key-0123";

    @TempDir
    Path dir;

    @Test
    void retrieverGivesContentWithProvenanceAndReportsRefusals() {
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        LuceneVectorStore store = new LuceneVectorStore(dir);
        store.ensureCollection("chunks", new CollectionSpec(embedder.modelId(), embedder.dimension()));
        List<String> texts = List.of(
                "A compacted topic keeps the latest value for every key.",
                "Reciprocal rank fusion combines result lists by adding one over k plus the rank.");
        List<float[]> vectors = embedder.embed(texts, InputKind.PASSAGE);
        for (int i = 0; i < texts.size(); i++) {
            ChunkRecord chunk = new ChunkRecord(
                    "kb:" + i + "#v1#0",
                    "kb:" + i,
                    "acme",
                    "v1",
                    "test",
                    "https://kb.test/" + i,
                    Optional.of("Doc " + i),
                    0,
                    texts.get(i),
                    List.of(),
                    List.of(),
                    Map.of(),
                    Instant.now());
            store.upsert("chunks", List.of(new EmbeddedChunk(chunk, vectors.get(i))));
        }
        QueryConfig config =
                QueryConfig.defaults().withHttpPort(0).withCollection("chunks").withKeys("acme:" + KEY);

        try (QueryService service = QueryService.start(config, store, embedder)) {
            String base = "http://127.0.0.1:" + service.port();
            var retriever = RagstreamContentRetriever.builder()
                    .baseUrl(base)
                    .apiKey(KEY)
                    .topK(2)
                    .build();

            List<Content> contents = retriever.retrieve(Query.from("How does reciprocal rank fusion combine lists?"));

            assertThat(contents).isNotEmpty();
            Content best = contents.getFirst();
            assertThat(best.textSegment().text()).contains("Reciprocal rank fusion");
            assertThat(best.textSegment().metadata().getString("doc_id")).isEqualTo("kb:1");
            assertThat(best.textSegment().metadata().getString("title")).isEqualTo("Doc 1");
            assertThat(best.metadata()).containsKey(ContentMetadata.SCORE);

            var tooMany = RagstreamContentRetriever.builder()
                    .baseUrl(base)
                    .apiKey(KEY)
                    .topK(1000)
                    .build();
            assertThatThrownBy(() -> tooMany.retrieve(Query.from("anything")))
                    .isInstanceOfSatisfying(RagstreamException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.field()).contains("topK");
                    });
            var stranger = RagstreamContentRetriever.builder()
                    .baseUrl(base)
                    .apiKey("wrong")
                    .build();
            assertThatThrownBy(() -> stranger.retrieve(Query.from("anything")))
                    .isInstanceOfSatisfying(RagstreamException.class, e -> assertThat(e.status())
                            .isEqualTo(401));
        }
    }
}
