package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.store.ChunkRecord;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.testkit.PythonTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<ChunkRecord> chunks = List.of(
                TestService.chunk(
                        "kb:compaction",
                        Optional.of("compaction"),
                        "A compacted topic keeps the latest value for every key."),
                TestService.chunk(
                        "kb:fusion",
                        Optional.of("fusion"),
                        "Reciprocal rank fusion combines result lists by adding one over k plus the rank."),
                TestService.chunk(
                        "kb:guides/fusion",
                        Optional.of("fusion"),
                        "Storage settings of the guides section, kept apart from everything else."));

        try (TestService service =
                TestService.start(new LuceneVectorStore(dir.resolve("index")), "chunks", KEY, chunks)) {
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
