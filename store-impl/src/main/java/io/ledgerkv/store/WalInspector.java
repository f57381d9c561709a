package io.ledgerkv.store;

import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes a store's write-ahead log entry by entry, for a recovery engineer: which ledger and entry,
 * the header (type, epoch, transaction sequence, codec, dictionary, sizes), whether the entry passes
 * the store's checks (CRC32C, AES-GCM, decompression, record framing), and the keys it writes (values
 * on request). It reads without recovery, so it fences no one and a live writer keeps writing; an
 * open ledger is read up to its last confirmed entry. A corrupt entry is reported as a row with its
 * verdict, and the dump goes on.
 */
public final class WalInspector {
    /** One operation of a transaction: its key, whether it deletes, its value's size, and the value when asked for. */
    public record Op(byte[] key, boolean delete, int valueBytes, byte[] value, long expireAt) {
    }

    /**
     * One WAL entry. Header fields are null when the entry could not be parsed; {@code verdict} is
     * {@code ok} or why the entry fails the store's checks; {@code txns} holds each whole
     * transaction of a batch (a part of a large transaction carries no operations: they only decode
     * once the parts are joined, as replay does).
     */
    public record Row(long ledgerSeq, long ledgerId, long entryId, String type, Long epoch, Long firstTxnSeq, Integer count,
                      String codec, Integer dictionary, boolean encrypted, int bytes, Integer storedBytes, Integer logicalBytes,
                      String verdict, List<List<Op>> txns) {
        public boolean ok() {
            return "ok".equals(verdict);
        }
    }

    private WalInspector() {
    }

    /**
     * Dumps every ledger in the store's list (or only {@code ledgerId}, which need not be in the
     * list: a ledger of this store trimmed from it but not deleted, as when a checkpoint stops
     * between the two) to {@code out}, in log order. Another store's ledger is refused: its
     * password is derived from that store's name.
     *
     * @return how many entries failed the store's checks
     */
    public static int dump(DefaultLedgerKv kv, String store, StoreConfig cfg, Long ledgerId, boolean values, Consumer<Row> out) {
        StoreMetadata md = new StoreMetadata(kv.nodes(), kv.config().namespace(), store);
        if (!md.exists()) {
            throw new StoreNotFoundException(kv.config().namespace(), store);
        }
        WalLedgers wl = new WalLedgers(kv.log(), kv.config().namespace(), store, cfg.ledgerPassword(), cfg.encryption());
        List<long[]> ledgers = new ArrayList<>(); // {seq, id}
        for (LedgerRef r : md.readLedgers().value().ledgers()) {
            if (ledgerId == null || r.ledgerId() == ledgerId) {
                ledgers.add(new long[] {r.seq(), r.ledgerId()});
            }
        }
        if (ledgerId != null && ledgers.isEmpty()) {
            ledgers.add(new long[] {-1, ledgerId}); // not in the list (trimmed but not deleted): its sequence is unknown
        }
        int corrupt = 0;
        try (CodecCache codecs = new CodecCache(new StoreDictionaries(md, wl, store))) {
            WalEntry.CodecSource source = WalEntry.CodecSource.of(codecs);
            for (long[] l : ledgers) {
                corrupt += dumpLedger(wl, l[0], l[1], source, values, out);
            }
        }
        return corrupt;
    }

    private static int dumpLedger(WalLedgers wl, long seq, long id, WalEntry.CodecSource codecs, boolean values, Consumer<Row> out) {
        int[] corrupt = {0};
        try (ReadLedger lh = wl.openNoRecovery(id)) {
            long last = lh.isClosed() ? lh.lastAddConfirmed() : Math.max(lh.lastAddConfirmed(), lh.readLastConfirmed());
            if (last < 0) {
                return 0;
            }
            lh.read(0, last, (entryId, data) -> {
                Row r = row(seq, id, entryId, data, codecs, wl, values);
                if (!r.ok()) {
                    corrupt[0]++;
                }
                out.accept(r);
            });
        } catch (LogException e) {
            throw wl.failure("reading ledger " + id, e);
        }
        return corrupt[0];
    }

    static Row row(long seq, long ledgerId, long entryId, byte[] data, WalEntry.CodecSource codecs, WalLedgers wl, boolean values) {
        WalEntry e;
        try {
            e = WalEntry.decode(data, codecs, wl.cipher());
        } catch (WalFormatException | LedgerKvException | CodecCache.MissingDictionaryException ex) {
            return new Row(seq, ledgerId, entryId, null, null, null, null, null, null, false, data.length, null, null,
                    "corrupt: " + ex.getMessage(), List.of());
        }
        List<List<Op>> txns = new ArrayList<>();
        String verdict = "ok";
        if (e.type() == WalEntry.Type.BATCH) {
            try {
                for (List<Mutation> t : TxnRecord.decodeAll(e.payload(), 0, e.payload().length, e.count())) {
                    List<Op> ops = new ArrayList<>();
                    for (Mutation m : t) {
                        ops.add(new Op(m.key(), m.isDelete(), m.isDelete() ? 0 : m.value().length, values && !m.isDelete() ? m.value() : null,
                                m.expireAt()));
                    }
                    txns.add(ops);
                }
            } catch (WalFormatException ex) {
                verdict = "corrupt: " + ex.getMessage();
            }
        }
        return new Row(seq, ledgerId, entryId, e.type().name(), e.epoch(), e.firstTxnSeq(), e.count(), e.codec().name(), e.dictId(),
                e.isEncrypted(), data.length, e.storedLength(), e.payload().length, verdict, txns);
    }
}
