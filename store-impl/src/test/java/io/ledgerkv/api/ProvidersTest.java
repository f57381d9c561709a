package io.ledgerkv.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.spi.LedgerKvProvider;
import io.ledgerkv.store.DefaultLedgerKvProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link LedgerKv#connect} finds its implementation (decision 44). */
class ProvidersTest {

    @Test
    void theLibraryShipsExactlyOneProviderAndConnectUsesIt() {
        assertThat(Providers.ledgerKv()).isInstanceOf(DefaultLedgerKvProvider.class);
        assertThat(Providers.load(LedgerKv.class.getClassLoader())).isInstanceOf(DefaultLedgerKvProvider.class);
    }

    @Test
    void noProviderIsAClearError() {
        ClassLoader empty = new ClassLoader(null) {
        };
        assertThatThrownBy(() -> Providers.load(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no ledgerkv implementation on the class path")
                .hasMessageContaining("META-INF/services/io.ledgerkv.api.spi.LedgerKvProvider");
    }

    @Test
    void twoProvidersAreAClearErrorThatNamesBoth(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(LedgerKvProvider.class.getName()), Second.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> Providers.load(loader)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("more than one ledgerkv implementation")
                    .hasMessageContaining(DefaultLedgerKvProvider.class.getName())
                    .hasMessageContaining(Second.class.getName());
        }
    }

    /** A second provider, found only through the temporary service file. */
    public static final class Second implements LedgerKvProvider {
        @Override
        public LedgerKv connect(ClientConfig config) {
            throw new UnsupportedOperationException();
        }
    }
}
