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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python client and its LangChain retriever (clients/python), tested with pytest against a running service. */
class PythonClientIT {

    private static final String KEY = "python-client-key-0123";

    @TempDir
    Path dir;

    @Test
    void pythonClientTestsPassAgainstTheRunningService() throws Exception {
        Path python = PythonTools.require("python-client", "python", "The Python client's tests");
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        LuceneVectorStore store = new LuceneVectorStore(dir.resolve("index"));
        store.ensureCollection("chunks", new CollectionSpec(embedder.modelId(), embedder.dimension()));
        Map<String, String> documents = Map.of(
                "kb:compaction", "A compacted topic keeps the latest value for every key.",
                "kb:fusion", "Reciprocal rank fusion combines result lists by adding one over k plus the rank.",
                "kb:guides/fusion", "Storage settings of the guides section, kept apart from everything else.");
        List<EmbeddedChunk> chunks = new ArrayList<>();
        for (var document : documents.entrySet()) {
            String name = document.getKey()
                    .substring(document.getKey().lastIndexOf('/') + 1)
                    .replace("kb:", "");
            ChunkRecord chunk = new ChunkRecord(
                    document.getKey() + "#v1#0",
                    document.getKey(),
                    "acme",
                    "v1",
                    "test",
                    "https://kb.test/" + name,
                    Optional.of(name),
                    0,
                    document.getValue(),
                    List.of(),
                    List.of(),
                    Map.of(),
                    Instant.now());
            chunks.add(new EmbeddedChunk(
                    chunk,
                    embedder.embed(List.of(chunk.text()), InputKind.PASSAGE).getFirst()));
        }
        store.upsert("chunks", chunks);
        QueryConfig defaults = QueryConfig.defaults();
        QueryConfig config = new QueryConfig(
                0,
                "chunks",
                new QueryConfig.Auth("acme:" + KEY, Optional.empty()),
                defaults.limits(),
                defaults.store(),
                defaults.model());

        try (QueryService service = QueryService.start(config, store, embedder)) {
            Path root = PythonTools.repoRoot();
            Path log = dir.resolve("pytest.log");
            ProcessBuilder pytest = new ProcessBuilder(
                            python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "clients/python/tests")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pytest.environment().put("RAGSTREAM_URL", "http://127.0.0.1:" + service.port());
            pytest.environment().put("RAGSTREAM_API_KEY", KEY);
            pytest.environment()
                    .put("PYTHONPATH", root.resolve("clients/python").toString());
            Process run = pytest.start();
            boolean finished = run.waitFor(5, TimeUnit.MINUTES);
            String output = Files.readString(log, StandardCharsets.UTF_8);

            assertThat(finished)
                    .as("pytest finished; output so far:%n%s", output)
                    .isTrue();
            assertThat(run.exitValue()).as("pytest output:%n%s", output).isZero();
            assertThat(output).containsPattern("6 passed");
        }
    }
}
