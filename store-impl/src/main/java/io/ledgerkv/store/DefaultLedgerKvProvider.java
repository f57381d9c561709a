package io.ledgerkv.store;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.spi.LedgerKvProvider;

/** The library's own {@link LedgerKvProvider}, registered in {@code META-INF/services}. */
public final class DefaultLedgerKvProvider implements LedgerKvProvider {
    @Override
    public LedgerKv connect(ClientConfig config) {
        return DefaultLedgerKv.connect(config);
    }
}
