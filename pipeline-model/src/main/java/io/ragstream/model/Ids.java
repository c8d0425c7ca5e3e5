package io.ragstream.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The id and hash rules every stage and every outside producer share. They are part of the stored data: changing one
 * orphans every vector already written, so the tests pin them to fixed values.
 */
public final class Ids {

    /** Hex digits of the hash kept in a docId: 128 bits, enough that ids never collide in practice. */
    private static final int DOC_HASH_HEX = 32;

    private Ids() {}

    /**
     * The stable id of a document: {@code <source>:} followed by 32 hex digits of
     * {@code sha256(tenant + "\n" + source + "\n" + key)}, where key is the canonical URI or the caller's own id. The
     * same document always gets the same id; two tenants never share one.
     */
    public static String docId(String tenant, String source, String key) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        String digest = sha256Hex((tenant + "\n" + source + "\n" + key).getBytes(StandardCharsets.UTF_8));
        return source + ":" + digest.substring(0, DOC_HASH_HEX);
    }

    /**
     * The id of one chunk of one version of a document: {@code <docId>#<sequence>#<ordinal>}, where the sequence is the
     * one the chunker gave that version. Re-chunking the same record gives the same ids, so writes keyed by them are
     * idempotent; two versions never share an id, even when one republishes the other's content, so a late write of an
     * older version can never overwrite a newer one's rows.
     */
    public static String chunkId(String docId, long sequence, int ordinal) {
        Objects.requireNonNull(docId, "docId");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence of " + docId + " is " + sequence + "; it must be ≥ 0");
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("chunk ordinal of " + docId + " is " + ordinal + "; it must be ≥ 0");
        }
        return docId + "#" + sequence + "#" + ordinal;
    }

    /** The content hash, and so the version, of a document: lower-case hex sha256 of its raw bytes. */
    public static String contentHash(byte[] raw) {
        return sha256Hex(raw);
    }

    /** The content hash of a text document: sha256 of its UTF-8 bytes. */
    public static String contentHash(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
