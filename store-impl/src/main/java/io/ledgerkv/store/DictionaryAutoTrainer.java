package io.ledgerkv.store;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.codec.DictionaryTrainer;
import io.ledgerkv.txn.CommitObserver;
import io.ledgerkv.txn.Committer;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a ZSTD_DICT store that has no dictionary yet: samples the records the writer commits, and
 * after {@code dictTrainAfterBytes} of writes trains a dictionary on another thread, registers it
 * and switches the committer to it. Until then entries are written with plain ZSTD. If training
 * fails, the store keeps writing with ZSTD and tries again after as many bytes again.
 */
final class DictionaryAutoTrainer implements CommitObserver {
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryAutoTrainer.class);

    private final String store;
    private final StoreConfig cfg;
    private final StoreDictionaries dicts;
    private final SplittableRandom random = new SplittableRandom();
    private final double sampleProbability;
    private volatile Committer committer;
    private DictionaryTrainer trainer;
    private long seen;
    private volatile boolean training;
    private volatile boolean done;

    DictionaryAutoTrainer(String store, StoreConfig cfg, StoreDictionaries dicts) {
        this.store = store;
        this.cfg = cfg;
        this.dicts = dicts;
        this.sampleProbability = Math.min(1.0, cfg.dictSampleBytes() / (double) cfg.dictTrainAfterBytes());
        this.trainer = new DictionaryTrainer(cfg.dictSizeBytes(), cfg.dictSampleBytes());
    }

    void attach(Committer c) {
        this.committer = c;
    }

    boolean isDone() {
        return done;
    }

    @Override
    public void written(List<Mutation> ops) {
        if (done || training) {
            return;
        }
        for (Mutation m : ops) {
            if (m.isDelete()) {
                continue;
            }
            int size = m.encodedSize();
            seen += size;
            if (random.nextDouble() < sampleProbability) {
                trainer.add(TxnRecord.encode(List.of(m)));
            }
        }
        if (seen >= cfg.dictTrainAfterBytes()) {
            training = true;
            DictionaryTrainer full = trainer;
            trainer = new DictionaryTrainer(cfg.dictSizeBytes(), cfg.dictSampleBytes());
            seen = 0;
            Thread t = new Thread(() -> train(full), "ledgerkv-dict-train-" + store);
            t.setDaemon(true);
            t.start();
        }
    }

    private void train(DictionaryTrainer samples) {
        try {
            byte[] bytes = samples.train();
            Dictionary d = dicts.register(bytes, samples.samples(), samples.sampleBytes(), cfg);
            committer.switchCodec(CodecType.ZSTD_DICT.newCodec(cfg.codecLevel(), d));
            done = true;
            LOG.info("store '{}': trained dictionary {} ({} bytes) from {} samples; new entries use it",
                    store, d.id(), bytes.length, samples.samples());
        } catch (RuntimeException e) {
            LOG.warn("store '{}': dictionary training failed, staying on ZSTD: {}", store, e.getMessage());
        } finally {
            training = false;
        }
    }
}
