package io.ledgerkv.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of one transaction inside a WAL entry payload:
 *
 * <pre>
 * txn  := varint opCount, op*
 * op   := u8 type (1 = PUT, 2 = DELETE, 3 = PUT_TTL), varint keyLength, key,
 *         [8-byte big-endian expireAt]   (PUT_TTL only: writer-clock epoch millis from which the key is absent)
 *         [varint valueLength, value]     (PUT and PUT_TTL)
 * </pre>
 *
 * A batch entry's payload is its transactions back to back; a transaction too large for one entry
 * is one record split into consecutive part entries.
 */
public final class TxnRecord {
    static final int OP_PUT = 1;
    static final int OP_DELETE = 2;
    static final int OP_PUT_TTL = 3;

    private TxnRecord() {
    }

    public static int encodedSize(Mutation m) {
        int n = 1 + varintSize(m.key().length) + m.key().length + (m.expires() ? 8 : 0);
        if (m.value() != null) {
            n += varintSize(m.value().length) + m.value().length;
        }
        return n;
    }

    public static int encodedSize(List<Mutation> ops) {
        int n = varintSize(ops.size());
        for (Mutation m : ops) {
            n += encodedSize(m);
        }
        return n;
    }

    /** Encodes {@code ops} into a new array of exactly {@link #encodedSize(List)} bytes. */
    public static byte[] encode(List<Mutation> ops) {
        byte[] out = new byte[encodedSize(ops)];
        encodeInto(ops, out, 0);
        return out;
    }

    /**
     * Encodes {@code ops} into {@code out} from {@code off} ({@link #encodedSize(List)} bytes must
     * fit) and returns the offset after it: the committer encodes each transaction straight into its
     * batch, without an array per transaction.
     */
    public static int encodeInto(List<Mutation> ops, byte[] out, int off) {
        int p = putVarint(out, off, ops.size());
        for (Mutation m : ops) {
            out[p++] = (byte) (m.value() == null ? OP_DELETE : m.expires() ? OP_PUT_TTL : OP_PUT);
            p = putVarint(out, p, m.key().length);
            System.arraycopy(m.key(), 0, out, p, m.key().length);
            p += m.key().length;
            if (m.expires()) {
                for (int s = 56; s >= 0; s -= 8) {
                    out[p++] = (byte) (m.expireAt() >>> s);
                }
            }
            if (m.value() != null) {
                p = putVarint(out, p, m.value().length);
                System.arraycopy(m.value(), 0, out, p, m.value().length);
                p += m.value().length;
            }
        }
        return p;
    }

    /** Reads transactions from {@code buf[off, off+len)} until it is consumed. */
    public static List<List<Mutation>> decodeAll(byte[] buf, int off, int len, int expectedCount) throws WalFormatException {
        List<List<Mutation>> txns = new ArrayList<>(expectedCount);
        int[] pos = {off};
        int end = off + len;
        while (pos[0] < end) {
            txns.add(decodeOne(buf, pos, end));
        }
        if (txns.size() != expectedCount) {
            throw new WalFormatException("header says " + expectedCount + " transactions, payload holds " + txns.size());
        }
        return txns;
    }

    /** Decodes exactly one transaction that fills {@code buf[off, off+len)}. */
    public static List<Mutation> decodeSingle(byte[] buf, int off, int len) throws WalFormatException {
        int[] pos = {off};
        List<Mutation> t = decodeOne(buf, pos, off + len);
        if (pos[0] != off + len) {
            throw new WalFormatException((off + len - pos[0]) + " trailing bytes after the transaction record");
        }
        return t;
    }

    /** The complete operations at the start of a possibly cut-off record (used only by a deliberate bug). */
    public static List<Mutation> decodePrefix(byte[] buf, int off, int len) {
        List<Mutation> ops = new ArrayList<>();
        int[] pos = {off};
        int end = off + len;
        try {
            int count = getVarint(buf, pos, end);
            for (int i = 0; i < count; i++) {
                int start = pos[0];
                ops.add(decodeOp(buf, pos, end));
                if (pos[0] <= start) {
                    break;
                }
            }
        } catch (WalFormatException | ArrayIndexOutOfBoundsException e) {
            // cut off here
        }
        return ops;
    }

    private static List<Mutation> decodeOne(byte[] buf, int[] pos, int end) throws WalFormatException {
        int count = getVarint(buf, pos, end);
        if (count < 0 || count > end - pos[0]) {
            throw new WalFormatException("bad operation count " + count);
        }
        List<Mutation> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (pos[0] >= end) {
                throw new WalFormatException("record ends inside operation " + i + " of " + count);
            }
            ops.add(decodeOp(buf, pos, end));
        }
        return ops;
    }

    private static Mutation decodeOp(byte[] buf, int[] pos, int end) throws WalFormatException {
        int type = buf[pos[0]++] & 0xff;
        if (type != OP_PUT && type != OP_DELETE && type != OP_PUT_TTL) {
            throw new WalFormatException("unknown operation type " + type + " (written by a newer version?)");
        }
        byte[] key = getBytes(buf, pos, end);
        if (type == OP_DELETE) {
            return new Mutation(key, null);
        }
        long expireAt = Mutation.NEVER;
        if (type == OP_PUT_TTL) {
            if (end - pos[0] < 8) {
                throw new WalFormatException("record ends inside an expiry time");
            }
            expireAt = 0;
            for (int i = 0; i < 8; i++) {
                expireAt = (expireAt << 8) | (buf[pos[0]++] & 0xff);
            }
            if (expireAt <= 0 || expireAt == Mutation.NEVER) {
                throw new WalFormatException("bad expiry time " + expireAt);
            }
        }
        return new Mutation(key, getBytes(buf, pos, end), expireAt);
    }

    private static byte[] getBytes(byte[] buf, int[] pos, int end) throws WalFormatException {
        int n = getVarint(buf, pos, end);
        if (n < 0 || n > end - pos[0]) {
            throw new WalFormatException("length " + n + " runs past the end of the record");
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, pos[0], out, 0, n);
        pos[0] += n;
        return out;
    }

    static int varintSize(int v) {
        int n = 1;
        while ((v & ~0x7f) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] out, int p, int v) {
        while ((v & ~0x7f) != 0) {
            out[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    static int getVarint(byte[] buf, int[] pos, int end) throws WalFormatException {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                throw new WalFormatException("record ends inside a varint");
            }
            int b = buf[pos[0]++] & 0xff;
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new WalFormatException("varint longer than 5 bytes");
    }
}
