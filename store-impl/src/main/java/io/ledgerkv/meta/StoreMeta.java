package io.ledgerkv.meta;

import io.ledgerkv.api.StoreConfig;

/** Contents of the {@code meta} znode: the settings new ledgers are written with. No secrets. */
public record StoreMeta(int formatVersion, long createdAtMillis, int ensembleSize, int writeQuorum, int ackQuorum,
                        String digestType, String codec, int maxKeyBytes, int maxValueBytes, long maxTxnBytes,
                        int maxBatchBytes, String state) {
    public static final int FORMAT_VERSION = 1;
    /** A restore is writing this store; nothing may open it until the restore sets READY. */
    public static final String RESTORING = "RESTORING";
    public static final String READY = "READY";

    public static StoreMeta of(StoreConfig c, long createdAtMillis) {
        return of(c, createdAtMillis, READY);
    }

    public static StoreMeta of(StoreConfig c, long createdAtMillis, String state) {
        return new StoreMeta(FORMAT_VERSION, createdAtMillis, c.ensembleSize(), c.writeQuorum(), c.ackQuorum(),
                c.digestType().name(), c.codec().name(), c.maxKeyBytes(), c.maxValueBytes(), c.maxTxnBytes(),
                c.maxBatchBytes(), state);
    }

    public boolean isRestoring() {
        return RESTORING.equals(state);
    }
}
