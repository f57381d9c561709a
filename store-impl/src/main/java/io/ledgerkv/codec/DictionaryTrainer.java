package io.ledgerkv.codec;

import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects samples of a store's records and trains a Zstandard dictionary from them. Samples
 * should look like what the WAL compresses: encoded operations (key and value), a few hundred bytes
 * to a few KiB each; Zstandard wants roughly 100x the dictionary size in samples.
 */
public final class DictionaryTrainer {
    private final int dictSize;
    private final long maxSampleBytes;
    private final List<byte[]> samples = new ArrayList<>();
    private long sampleBytes;

    public DictionaryTrainer(int dictSize, long maxSampleBytes) {
        this.dictSize = dictSize;
        this.maxSampleBytes = maxSampleBytes;
    }

    /** Adds a sample; returns false (and keeps nothing) once {@code maxSampleBytes} are collected. */
    public boolean add(byte[] sample) {
        if (sampleBytes + sample.length > maxSampleBytes) {
            return false;
        }
        samples.add(sample);
        sampleBytes += sample.length;
        return true;
    }

    public boolean isFull() {
        return sampleBytes >= maxSampleBytes * 0.95;
    }

    public int samples() {
        return samples.size();
    }

    public long sampleBytes() {
        return sampleBytes;
    }

    /**
     * Trains the dictionary.
     *
     * @throws IllegalStateException naming the sample count and size when Zstandard cannot train
     *                               from them (too few or too uniform samples)
     */
    public byte[] train() {
        if (samples.size() < 10) {
            throw new IllegalStateException("cannot train a dictionary from " + samples.size()
                    + " samples; write more data first (at least a few hundred records)");
        }
        ZstdDictTrainer t = new ZstdDictTrainer((int) Math.min(Integer.MAX_VALUE - 8, sampleBytes + 1024), dictSize);
        for (byte[] s : samples) {
            t.addSample(s);
        }
        try {
            return t.trainSamples();
        } catch (ZstdException | IllegalStateException e) {
            throw new IllegalStateException("Zstandard could not train a " + dictSize + "-byte dictionary from "
                    + samples.size() + " samples (" + sampleBytes + " bytes): " + e.getMessage(), e);
        }
    }
}
