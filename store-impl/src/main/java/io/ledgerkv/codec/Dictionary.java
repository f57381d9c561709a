package io.ledgerkv.codec;

import java.util.zip.CRC32C;

/**
 * A trained compression dictionary and its id (1, 2, ...; 0 means "no dictionary" in entry
 * headers). The bytes are Zstandard's dictionary format.
 */
public record Dictionary(int id, byte[] bytes) {
    public Dictionary {
        if (id <= 0) {
            throw new IllegalArgumentException("dictionary ids start at 1, got " + id);
        }
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("dictionary " + id + " is empty");
        }
    }

    public int crc32c() {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return (int) c.getValue();
    }

    @Override
    public String toString() {
        return "Dictionary[id=" + id + ", " + bytes.length + " bytes]";
    }
}
