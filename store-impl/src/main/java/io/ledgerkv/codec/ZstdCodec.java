package io.ledgerkv.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;

/**
 * Zstandard frames through zstd-jni, with reused compression and decompression contexts and, for
 * {@link CodecType#ZSTD_DICT}, a digested dictionary loaded once into both. Frames record the
 * dictionary id, so decompressing with the wrong dictionary fails instead of producing garbage.
 */
final class ZstdCodec implements Codec {
    private final CodecType type;
    private final Dictionary dict;
    private final ZstdCompressCtx cctx = new ZstdCompressCtx();
    private final ZstdDecompressCtx dctx = new ZstdDecompressCtx();

    ZstdCodec(CodecType type, int level, Dictionary dict) {
        this.type = type;
        this.dict = dict;
        cctx.setLevel(level);
        cctx.setChecksum(false); // our entry CRC32C covers the uncompressed payload
        if (dict != null) {
            cctx.loadDict(new ZstdDictCompress(dict.bytes(), level));
            dctx.loadDict(new ZstdDictDecompress(dict.bytes()));
        }
    }

    @Override
    public void close() {
        cctx.close();
        dctx.close();
    }

    @Override
    public CodecType type() {
        return type;
    }

    @Override
    public int dictionaryId() {
        return dict == null ? 0 : dict.id();
    }

    @Override
    public int maxCompressedLength(int length) {
        return (int) Zstd.compressBound(length);
    }

    @Override
    public int compress(byte[] src, int srcOff, int length, byte[] dst, int dstOff) {
        return cctx.compressByteArray(dst, dstOff, dst.length - dstOff, src, srcOff, length);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int originalLength) {
        int n;
        try {
            n = dctx.decompressByteArray(dst, dstOff, originalLength, src, srcOff, length);
        } catch (ZstdException e) {
            throw new IllegalArgumentException("malformed Zstandard frame"
                    + (dict == null ? "" : " (decompressing with dictionary " + dict.id() + ")") + ": " + e.getMessage(), e);
        }
        if (n != originalLength) {
            throw new IllegalArgumentException("Zstandard frame decompressed to " + n + " bytes, expected " + originalLength);
        }
    }
}
