package io.ragstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {

    // Values computed independently (Python hashlib); a change here orphans every stored vector.
    @Test
    void docIdIsSourcePrefixedHashOfTenantSourceAndKey() {
        assertThat(Ids.docId("acme", "web", "https://example.com/docs/intro"))
                .isEqualTo("web:48a6075575fa15a3b39f3bbf961e7684");
    }

    @Test
    void docIdIsStableAndSeparatesTenantsAndSources() {
        String id = Ids.docId("acme", "web", "https://example.com/a");
        assertThat(Ids.docId("acme", "web", "https://example.com/a")).isEqualTo(id);
        assertThat(Ids.docId("other", "web", "https://example.com/a")).isNotEqualTo(id);
        assertThat(Ids.docId("acme", "fs", "https://example.com/a")).isNotEqualTo(id);
        assertThat(Ids.docId("acme", "web", "https://example.com/b")).isNotEqualTo(id);
    }

    @Test
    void contentHashIsLowerCaseHexSha256OfTheRawBytes() {
        assertThat(Ids.contentHash("안녕하세요 ragstream"))
                .isEqualTo("61fb945ddc535163478e423fcd494f2ba96ae442ee8f581a8444eefaafe53b23");
        assertThat(Ids.contentHash(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void chunkIdIsDeterministicFromDocIdSequenceAndOrdinal() {
        String id = Ids.chunkId("web:48a6075575fa15a3b39f3bbf961e7684", 1042, 7);

        assertThat(id).isEqualTo("web:48a6075575fa15a3b39f3bbf961e7684#1042#7");
        assertThat(Ids.chunkId("web:48a6075575fa15a3b39f3bbf961e7684", 1042, 7)).isEqualTo(id);
        assertThat(Ids.chunkId("web:48a6075575fa15a3b39f3bbf961e7684", 1043, 7)).isNotEqualTo(id);
        assertThat(Ids.chunkId("web:48a6075575fa15a3b39f3bbf961e7684", 1042, 8)).isNotEqualTo(id);
    }

    @Test
    void chunkIdRefusesANegativeSequence() {
        assertThatThrownBy(() -> Ids.chunkId("web:x", -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence of web:x is -1");
    }
}
