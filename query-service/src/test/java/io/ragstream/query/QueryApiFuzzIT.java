package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.testkit.PythonTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** schemathesis generates requests from the served OpenAPI document: no 5xx, every answer as documented. */
class QueryApiFuzzIT {

    private static final String KEY = "fuzz-key-0123456789";

    @TempDir
    Path dir;

    @Test
    void apiAnswersGeneratedRequestsAsItsOpenApiDocumentSays() throws Exception {
        Path schemathesis = PythonTools.require("schemathesis", "schemathesis", "The query API fuzz test");
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        LuceneVectorStore store = new LuceneVectorStore(dir.resolve("index"));
        store.ensureCollection("chunks", new CollectionSpec(embedder.modelId(), embedder.dimension()));
        // One chunk with every optional field and one without: answers must match the schema either way.
        List<ChunkRecord> chunks = List.of(
                new ChunkRecord(
                        "kb:1#v1#0",
                        "kb:1",
                        "acme",
                        "v1",
                        "test",
                        "https://kb.test/1",
                        Optional.of("Compaction"),
                        0,
                        "A compacted topic keeps the latest value for every key.",
                        List.of("Compaction"),
                        List.of("kafka"),
                        Map.of("lang", "en"),
                        Instant.parse("2026-11-22T10:00:00Z")),
                new ChunkRecord(
                        "kb:2#v1#0",
                        "kb:2",
                        "acme",
                        "v1",
                        "test",
                        "https://kb.test/2",
                        Optional.empty(),
                        0,
                        "Reciprocal rank fusion adds one over k plus rank.",
                        List.of(),
                        List.of(),
                        Map.of(),
                        Instant.parse("2026-11-22T10:00:00Z")));
        List<float[]> vectors =
                embedder.embed(chunks.stream().map(ChunkRecord::text).toList(), InputKind.PASSAGE);
        store.upsert(
                "chunks",
                List.of(
                        new EmbeddedChunk(chunks.get(0), vectors.get(0)),
                        new EmbeddedChunk(chunks.get(1), vectors.get(1))));
        QueryConfig defaults = QueryConfig.defaults();
        QueryConfig config = new QueryConfig(
                0,
                "chunks",
                new QueryConfig.Auth("acme:" + KEY, Optional.empty()),
                defaults.limits(),
                defaults.store(),
                defaults.model());

        try (QueryService service = QueryService.start(config, store, embedder)) {
            String base = "http://127.0.0.1:" + service.port();
            Path log = dir.resolve("schemathesis.log");
            Process run = new ProcessBuilder(
                            schemathesis.toString(),
                            "run",
                            base + "/openapi.yaml",
                            "--url",
                            base,
                            "--header",
                            "Authorization: Bearer " + KEY,
                            "--checks",
                            "not_a_server_error,response_schema_conformance,status_code_conformance,"
                                    + "content_type_conformance",
                            "--max-examples",
                            "40",
                            "--generation-deterministic")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = run.waitFor(8, TimeUnit.MINUTES);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished)
                    .as("schemathesis finished; output so far:%n%s", output)
                    .isTrue();
            assertThat(run.exitValue())
                    .as("schemathesis found failures:%n%s", output)
                    .isZero();
            assertThat(output).contains("Tested: 6", "No issues found").containsPattern("[1-9][0-9]* generated");
        }
    }
}
