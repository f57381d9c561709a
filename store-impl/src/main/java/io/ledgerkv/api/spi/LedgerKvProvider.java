package io.ledgerkv.api.spi;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.LedgerKv;

/**
 * What {@link LedgerKv#connect(ClientConfig)} finds with {@link java.util.ServiceLoader}: the
 * implementation behind the API. The API names no implementation class, so the implementation may
 * depend on the API without tying the two into one package cycle (decision 44). Exactly one
 * provider must be on the class path; the library ships it in
 * {@code META-INF/services/io.ledgerkv.api.spi.LedgerKvProvider}.
 */
public interface LedgerKvProvider {

    /** Connects as {@link LedgerKv#connect(ClientConfig)} documents. */
    LedgerKv connect(ClientConfig config);
}
