package io.ledgerkv.meta;

import io.ledgerkv.api.StoreConfig;

/** Contents of the {@code meta} znode: the settings new ledgers are written with. No secrets. */
public record StoreMeta(int formatVersion, long createdAtMillis, int ensembleSize, int writeQuorum, int ackQuorum,
                        String digestType, String codec, int maxKeyBytes, int maxValueBytes, long maxTxnBytes,
                        int maxBatchBytes) {
    public static final int FORMAT_VERSION = 1;

    public static StoreMeta of(StoreConfig c, long createdAtMillis) {
        return new StoreMeta(FORMAT_VERSION, createdAtMillis, c.ensembleSize(), c.writeQuorum(), c.ackQuorum(),
                c.digestType().name(), c.codec().name(), c.maxKeyBytes(), c.maxValueBytes(), c.maxTxnBytes(),
                c.maxBatchBytes());
    }
}
