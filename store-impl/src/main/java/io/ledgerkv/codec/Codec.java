package io.ledgerkv.codec;

/**
 * Compresses and decompresses WAL and checkpoint payloads. Implementations reuse their native
 * contexts and are therefore not thread-safe: the committer owns one, each reader owns one.
 */
public interface Codec extends AutoCloseable {
    CodecType type();

    /** Id of the dictionary this codec compresses with, or 0. */
    default int dictionaryId() {
        return 0;
    }

    /** Upper bound of the compressed size of {@code length} input bytes. */
    int maxCompressedLength(int length);

    /**
     * Compresses {@code src[srcOff, srcOff+length)} into {@code dst} at {@code dstOff}; {@code dst}
     * must have {@link #maxCompressedLength(int)} bytes of room.
     *
     * @return the number of bytes written
     */
    int compress(byte[] src, int srcOff, int length, byte[] dst, int dstOff);

    /**
     * Decompresses exactly {@code originalLength} bytes into {@code dst} at {@code dstOff}.
     *
     * @throws IllegalArgumentException if the input is malformed or does not decompress to exactly
     *                                  {@code originalLength} bytes
     */
    void decompress(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int originalLength);

    /** Releases native contexts, if any. */
    @Override
    default void close() {
    }
}
