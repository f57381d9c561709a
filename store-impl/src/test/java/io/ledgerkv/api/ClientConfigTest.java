package io.ledgerkv.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientConfigTest {
    @Test
    void metadataUriFollowsHostsAndChroot() {
        assertThat(ClientConfig.builder("127.0.0.1:2181").build().metadataServiceUri())
                .isEqualTo("zk+hierarchical://127.0.0.1:2181/ledgers");
        ClientConfig c = ClientConfig.builder("zk1:2181,zk2:2182/prod/bk").build();
        assertThat(c.zkHosts()).isEqualTo("zk1:2181,zk2:2182");
        assertThat(c.chroot()).isEqualTo("/prod/bk");
        assertThat(c.metadataServiceUri()).isEqualTo("zk+hierarchical://zk1:2181;zk2:2182/prod/bk/ledgers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "host:port", "h:2181,", ":2181", "h:2181 /x"})
    void badConnectStringsAreRejectedByName(String cs) {
        assertThatThrownBy(() -> ClientConfig.builder(cs).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid connectString: ");
    }

    /** Caught here, not after connectTimeout as "cannot reach" (issue 19). */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:99999", "127.0.0.1:0", "a:2181,b:70000", "h:2181/../x", "h:2181/a//b", "h:2181/a/.", "h:2181/x/"})
    void portsOutOfRangeAndChrootsWithEmptyOrDotSegmentsAreRejected(String cs) {
        assertThatThrownBy(() -> ClientConfig.builder(cs).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid connectString: ")
                .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("is not in 1-65535"),
                        e -> assertThat(e).hasMessageContaining("chroot"));
    }

    @Test
    void validPortsAndChrootsPass() {
        assertThat(ClientConfig.builder("h:65535,g:1/a/b-c.d").build().chroot()).isEqualTo("/a/b-c.d");
        assertThat(ClientConfig.builder("h:2181/").build().chroot()).isEmpty();
    }

    @Test
    void otherFieldsAreValidated() {
        assertThatThrownBy(() -> ClientConfig.builder("h:1").namespace("a/b").build())
                .hasMessageStartingWith("invalid namespace: ");
        assertThatThrownBy(() -> ClientConfig.builder("h:1").connectTimeout(Duration.ZERO).build())
                .hasMessageStartingWith("invalid connectTimeout: ");
        assertThatThrownBy(() -> ClientConfig.builder("h:1").ledgersRootPath("ledgers").build())
                .hasMessageStartingWith("invalid ledgersRootPath: ");
        assertThatThrownBy(() -> ClientConfig.builder(null).build())
                .hasMessageStartingWith("invalid connectString: ");
    }
}
