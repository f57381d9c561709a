package io.ledgerkv.testing;

import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.store.DefaultLedgerKv;

/** What a client with another ZooKeeper identity (digest or SASL), or none, must not be able to do to a namespace. */
public final class IdentityChecks {
    private IdentityChecks() {
    }

    /**
     * {@code other} (connected to the namespace holding {@code store}) can neither read the store's
     * status, open its writer (a fence attempt), open it read-only, list the namespace, create a
     * store in it nor delete the store: each is an {@link AccessDeniedException} naming the znode.
     */
    public static void assertLockedOut(DefaultLedgerKv other, String store, String who) {
        assertThatThrownBy(() -> other.status(store)).as(who).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("ZooKeeper refused access to /ledgerkv/" + other.config().namespace() + "/stores/" + store)
                .hasMessageContaining("nothing was changed");
        assertThatThrownBy(() -> other.open(store, config().build())).as(who + " opening the writer (a fence attempt)")
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> other.openReadOnly(store, config().build())).as(who).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(other::listStores).as(who).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> other.open("intruder-store", config().build())).as(who + " creating a store in the namespace")
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> other.deleteStore(store, config().build())).as(who).isInstanceOf(AccessDeniedException.class);
    }
}
