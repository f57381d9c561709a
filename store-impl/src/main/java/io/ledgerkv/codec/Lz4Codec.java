package io.ledgerkv.codec;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block format through at.yawk.lz4:lz4-java (the maintained fork). Uses the JNI compressor
 * when available and the <em>safe</em> decompressor, which in this fork is the fast one and is safe
 * on untrusted input. Instances are stateless wrappers around shared compressors.
 */
final class Lz4Codec implements Codec {
    private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();

    private final CodecType type;
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();

    Lz4Codec(CodecType type, int level) {
        this.type = type;
        this.compressor = type == CodecType.LZ4_HC ? FACTORY.highCompressor(level) : FACTORY.fastCompressor();
    }

    @Override
    public CodecType type() {
        return type;
    }

    @Override
    public int maxCompressedLength(int length) {
        return compressor.maxCompressedLength(length);
    }

    @Override
    public int compress(byte[] src, int srcOff, int length, byte[] dst, int dstOff) {
        return compressor.compress(src, srcOff, length, dst, dstOff, dst.length - dstOff);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int originalLength) {
        int n;
        try {
            n = decompressor.decompress(src, srcOff, length, dst, dstOff, originalLength);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("malformed LZ4 block: " + e.getMessage(), e);
        }
        if (n != originalLength) {
            throw new IllegalArgumentException("LZ4 block decompressed to " + n + " bytes, expected " + originalLength);
        }
    }
}
