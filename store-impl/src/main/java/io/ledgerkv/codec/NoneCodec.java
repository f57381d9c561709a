package io.ledgerkv.codec;

/** The identity codec. Stateless, so one shared instance serves every thread. */
final class NoneCodec implements Codec {
    static final NoneCodec INSTANCE = new NoneCodec();

    private NoneCodec() {
    }

    @Override
    public CodecType type() {
        return CodecType.NONE;
    }

    @Override
    public int maxCompressedLength(int length) {
        return length;
    }

    @Override
    public int compress(byte[] src, int srcOff, int length, byte[] dst, int dstOff) {
        System.arraycopy(src, srcOff, dst, dstOff, length);
        return length;
    }

    @Override
    public void decompress(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int originalLength) {
        if (length != originalLength) {
            throw new IllegalArgumentException("stored length " + length + " != original length " + originalLength);
        }
        System.arraycopy(src, srcOff, dst, dstOff, length);
    }
}
