package io.ragstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void keyMaterialIsMaskedWhereverItStands() {
        assertThat(Secrets.mask("Bearer sk-proj-4fA9kL2mQ8rT1vX7zB3n")).isEqualTo("Bearer ****");
        assertThat(Secrets.mask("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                .isEqualTo("****");
        assertThat(Secrets.mask("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\""
                        + " password=\"hunter2\";"))
                .doesNotContain("hunter2")
                .contains("username=\"app\"");
        assertThat(Secrets.mask("http://svc:pa55word@10.0.0.7:8080/v1?api_key=abc123&x=1"))
                .isEqualTo("http://****@10.0.0.7:8080/v1?api_key=****&x=1");
    }

    @Test
    void namesPathsModelIdsAndAddressesStayReadable() {
        for (String plain : new String[] {
            "bge-small-en-v1.5",
            "multilingual-e5-small",
            "/var/lib/ragstream/models/bge-small-en-v1.5-int8",
            "127.0.0.1:9092,127.0.0.1:9093",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "ragstream-embedder",
            "PT30S",
            "http://127.0.0.1:19530"
        }) {
            assertThat(Secrets.mask(plain)).as(plain).isEqualTo(plain);
        }
    }

    @Test
    void aSettingNamedAsASecretIsMaskedWhole() {
        assertThat(Secrets.mask("milvus.token", "root:Milvus")).isEqualTo("****");
        assertThat(Secrets.mask("upload.auth.keys", "acme:short")).isEqualTo("****");
        assertThat(Secrets.mask("chunker.max-tokens", "510")).isEqualTo("510");
    }
}
