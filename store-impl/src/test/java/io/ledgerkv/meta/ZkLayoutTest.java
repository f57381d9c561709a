package io.ledgerkv.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ZkLayoutTest {

    @Test
    void everyZnodeOfAStoreIsWhereTheLayoutDocumentsIt() {
        ZkLayout l = new ZkLayout("ns", "orders");
        assertThat(ZkLayout.storesPath("ns")).isEqualTo("/ledgerkv/ns/stores");
        assertThat(l.storePath()).isEqualTo("/ledgerkv/ns/stores/orders");
        assertThat(l.meta()).isEqualTo("/ledgerkv/ns/stores/orders/meta");
        assertThat(l.ledgers()).isEqualTo("/ledgerkv/ns/stores/orders/ledgers");
        assertThat(l.epoch()).isEqualTo("/ledgerkv/ns/stores/orders/epoch");
        assertThat(l.checkpoints()).isEqualTo("/ledgerkv/ns/stores/orders/checkpoints");
        assertThat(l.stats()).isEqualTo("/ledgerkv/ns/stores/orders/stats");
        assertThat(l.dicts()).isEqualTo("/ledgerkv/ns/stores/orders/dicts");
        assertThat(l.owner()).isEqualTo("/ledgerkv/ns/stores/orders/owner");
    }

    @Test
    void onlyFailuresThatMayHaveBeenAppliedAreIndeterminate() {
        EnumSet<ZkException.Code> indeterminate = EnumSet.of(ZkException.Code.CONNECTION_LOSS, ZkException.Code.SESSION_EXPIRED,
                ZkException.Code.OPERATION_TIMEOUT, ZkException.Code.INTERRUPTED);
        for (ZkException.Code c : ZkException.Code.values()) {
            assertThat(c.indeterminate()).as(c.name()).isEqualTo(indeterminate.contains(c));
        }
    }

    @Test
    void aZooKeeperFailureNamesItsCodeAndTheZnodeIfKnown() {
        ZkException withPath = new ZkException(ZkException.Code.NO_NODE, "/a/b");
        assertThat(withPath.code()).isEqualTo(ZkException.Code.NO_NODE);
        assertThat(withPath.path()).isEqualTo("/a/b");
        assertThat(withPath).hasMessage("NO_NODE for /a/b");
        ZkException noPath = new ZkException(ZkException.Code.CONNECTION_LOSS, null);
        assertThat(noPath.path()).isNull();
        assertThat(noPath).hasMessage("CONNECTION_LOSS");
    }
}
