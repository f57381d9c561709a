/**
 * The service interface that links the API to its implementation. Users do not call it; they call
 * {@link io.ledgerkv.api.LedgerKv#connect(io.ledgerkv.api.ClientConfig)}.
 */
package io.ledgerkv.api.spi;
