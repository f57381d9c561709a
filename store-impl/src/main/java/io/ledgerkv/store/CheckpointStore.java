package io.ledgerkv.store;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.checkpoint.CheckpointChunks;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * A store's checkpoints: each one a ledger of {@code CHECKPOINT_CHUNK} entries holding the index
 * at one transaction, registered as a sequential znode {@code checkpoints/ckpt-N} once it has been
 * written, closed and read back. Registration is guarded by the writer's epoch.
 */
public final class CheckpointStore {
    private static final String PREFIX = "ckpt-";
    private static final int MAX_OUTSTANDING_CHUNKS = 8;

    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final String store;

    CheckpointStore(StoreMetadata meta, WalLedgers ledgers, String store) {
        this.meta = meta;
        this.ledgers = ledgers;
        this.store = store;
    }

    /**
     * Registered checkpoints, oldest first. A checkpoint registered twice (its registration was
     * applied, the response lost and the request sent again: two znodes name one ledger) is listed
     * once, under its first id.
     */
    public List<CheckpointInfo> list() {
        List<CheckpointInfo> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (CheckpointInfo cp : registrations()) {
            if (seen.add(cp.ledgerId())) {
                out.add(cp);
            }
        }
        return out;
    }

    /** Every checkpoint znode, oldest first, duplicates included. */
    private List<CheckpointInfo> registrations() {
        List<CheckpointInfo> out = new ArrayList<>();
        for (StoreMetadata.Child c : meta.checkpointNodes()) {
            int id = Integer.parseInt(c.name().substring(PREFIX.length())) + 1;
            out.add(Json.read(c.data(), CheckpointInfo.class, meta.paths().checkpoints() + "/" + c.name()).withId(id));
        }
        return out;
    }

    private static String znode(int id) {
        return String.format("%s%010d", PREFIX, id - 1);
    }

    /**
     * Writes the pinned state into a new ledger and closes it. Not yet registered: a crash from here
     * to {@link #register} leaves only an unreferenced ledger.
     */
    CheckpointInfo write(LocalIndex.Pin pin, long epoch, StoreConfig cfg, WalEntry.Encoder encoder) {
        WriteLedger lh;
        try {
            lh = ledgers.create(WalLedgers.Kind.CHECKPOINT, cfg, epoch);
        } catch (LogException e) {
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while creating a checkpoint ledger", e);
            }
            throw ledgers.failure("creating a checkpoint ledger", e);
        }
        Semaphore window = new Semaphore(MAX_OUTSTANDING_CHUNKS);
        AtomicReference<LogError> firstError = new AtomicReference<>();
        CheckpointChunks.Summary s;
        try {
            s = CheckpointChunks.writeVersioned(pin.scanVersioned(), encoder, epoch, pin.seq(), cfg.checkpointChunkBytes(),
                    pin.now(), (index, entry) -> {
                        window.acquire();
                        LogError err = firstError.get();
                        if (err != null) {
                            throw new LogException(err, "writing chunk " + index + " of checkpoint ledger " + lh.id() + " failed");
                        }
                        lh.append(entry, 0, entry.length, (error, entryId, ctx) -> {
                            if (error != null) {
                                firstError.compareAndSet(null, error);
                            }
                            window.release();
                        }, null);
                    });
            window.acquire(MAX_OUTSTANDING_CHUNKS);
            LogError err = firstError.get();
            if (err != null) {
                throw new LogException(err, "writing checkpoint ledger " + lh.id() + " failed");
            }
            lh.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ledgers.deleteQuietly(lh.id());
            throw new LedgerKvException("interrupted while writing a checkpoint", e);
        } catch (LedgerKvException e) {
            ledgers.deleteQuietly(lh.id());
            throw e;
        } catch (LogException e) {
            ledgers.deleteQuietly(lh.id());
            throw ledgers.failure("writing checkpoint ledger " + lh.id(), e);
        } catch (Exception e) {
            ledgers.deleteQuietly(lh.id());
            throw new LedgerKvException("store '" + store + "': writing checkpoint ledger " + lh.id() + ": " + e, e);
        }
        return new CheckpointInfo(0, lh.id(), pin.lsn().toString(), pin.seq(), epoch, s.keyCount(), s.logicalBytes(),
                s.storedBytes(), s.chunks(), s.checksum(), encoder.codec().type().name(), System.currentTimeMillis());
    }

    /**
     * Reads a checkpoint back, checking every chunk (its CRC, type, sequence and index), the chunk
     * count, the aggregate checksum and the key count, and hands each entry to {@code sink} in key
     * order. Throws {@link CorruptEntryException} naming the ledger and chunk on any mismatch.
     */
    /**
     * Receives a checkpoint's entries; {@code version} is null for checkpoints written before versions
     * were kept; {@code expireAt} is {@link Mutation#NEVER} for values without a time to live.
     */
    @FunctionalInterface
    interface EntrySink {
        void accept(byte[] key, byte[] value, Lsn version, long expireAt);
    }

    /**
     * {@link #read}, also returning the writer time the checkpoint's state was judged at (the
     * newest chunk header time; 0 if the checkpoint is empty).
     */
    long readWithTime(CheckpointInfo cp, CodecCache codecs, EntrySink sink) {
        long[] time = {0};
        read(cp, codecs, sink, t -> time[0] = Math.max(time[0], t));
        return time[0];
    }

    void read(CheckpointInfo cp, CodecCache codecs, EntrySink sink) {
        read(cp, codecs, sink, t -> { });
    }

    private void read(CheckpointInfo cp, CodecCache codecs, EntrySink sink, LongConsumer chunkTimes) {
        CheckpointChunks.Aggregate agg = new CheckpointChunks.Aggregate();
        long[] keys = {0};
        int[] chunks = {0};
        @SuppressWarnings("UnnecessaryAsync") // which thread runs the read callback is the log door's business
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (ReadLedger lh = ledgers.openNoRecovery(cp.ledgerId())) {
            long last = lh.lastAddConfirmed();
            if (last + 1 != cp.chunks()) {
                throw new CorruptEntryException(store, cp.ledgerId(), Math.max(0, last), "checkpoint " + cp.id() + " should have "
                        + cp.chunks() + " chunks, its ledger has " + (last + 1));
            }
            lh.read(0, last, (entryId, data) -> {
                CheckpointChunks.Chunk chunk;
                try {
                    chunk = CheckpointChunks.decodeChunk(data, (int) entryId, cp.txnSeq(), WalEntry.CodecSource.of(codecs),
                            ledgers.cipher(cp.sealedFor()));
                } catch (WalFormatException e) {
                    throw new CorruptEntryException(store, cp.ledgerId(), entryId, "checkpoint " + cp.id() + ": " + e.getMessage(), e);
                }
                agg.add(data);
                chunks[0]++;
                chunkTimes.accept(chunk.writerTimeMillis());
                List<Mutation> ops = chunk.ops();
                for (int i = 0; i < ops.size(); i++) {
                    Mutation m = ops.get(i);
                    sink.accept(m.key(), m.value(), chunk.versions() == null ? null : chunk.versions().get(i), m.expireAt());
                    keys[0]++;
                }
            });
        } catch (LogException e) {
            if (e.error() == LogError.NO_SUCH_LEDGER) {
                throw new CorruptEntryException(store, cp.ledgerId(), 0, "checkpoint " + cp.id() + ": its ledger no longer exists", e);
            }
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while reading checkpoint " + cp.id(), e);
            }
            throw ledgers.failure("reading checkpoint " + cp.id() + " (ledger " + cp.ledgerId() + ")", e);
        }
        if (agg.value() != cp.checksum() || keys[0] != cp.keyCount()) {
            throw new CorruptEntryException(store, cp.ledgerId(), chunks[0] - 1L, "checkpoint " + cp.id()
                    + " does not match its record: " + keys[0] + " keys (expected " + cp.keyCount() + "), checksum "
                    + Integer.toHexString(agg.value()) + " (expected " + Integer.toHexString(cp.checksum()) + ")");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Registers a verified checkpoint if {@code claim} still holds the epoch; returns it with its id.
     * The registration is a sequential znode, and Curator re-sends a request whose response was lost
     * even when the server applied it: then two znodes name the ledger. The first is kept, later ones
     * are removed, and the first one's id is returned.
     */
    CheckpointInfo register(EpochClaim claim, CheckpointInfo cp) throws EpochChangedException {
        String created = meta.registerCheckpoint(claim, PREFIX, Json.write(cp));
        CheckpointInfo mine = cp.withId(Integer.parseInt(created.substring(PREFIX.length())) + 1);
        for (CheckpointInfo r : registrations()) {
            if (r.ledgerId() == cp.ledgerId() && r.id() < mine.id()) {
                meta.deleteCheckpoint(claim, znode(mine.id()));
                mine = r;
            } else if (r.ledgerId() == cp.ledgerId() && r.id() > mine.id()) {
                meta.deleteCheckpoint(claim, znode(r.id()));
            }
        }
        return mine;
    }

    /**
     * Unregisters a checkpoint, then deletes its ledger (in that order: the registry never points at
     * nothing) unless another registration still names that ledger.
     */
    void delete(EpochClaim claim, CheckpointInfo cp) throws EpochChangedException {
        meta.deleteCheckpoint(claim, znode(cp.id()));
        for (CheckpointInfo r : registrations()) {
            if (r.ledgerId() == cp.ledgerId()) {
                return;
            }
        }
        deleteQuietly(cp.ledgerId());
    }

    void deleteQuietly(long ledgerId) {
        ledgers.deleteQuietly(ledgerId);
    }
}
