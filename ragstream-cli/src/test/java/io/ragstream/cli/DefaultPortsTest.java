package io.ragstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.ingest.upload.UploadConfig;
import io.ragstream.query.QueryConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultPortsTest {

    /** The embedder's health port and the upload API were both 8081: started side by side, the second one failed. */
    @Test
    void everyServiceListensOnItsOwnDefaultPort() {
        List<Integer> ports = List.of(
                QueryConfig.defaults().httpPort(),
                UploadConfig.defaults().httpPort(),
                EmbedderConfig.defaults().httpPort());

        assertThat(ports).doesNotHaveDuplicates().containsExactly(8080, 8081, 8082);
    }
}
