package io.ledgerkv.cli;

import io.ledgerkv.api.EncryptionKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keygen", description = {"Creates an encryption key file (one random AES key, active), or rotates one:",
    "adds a new random key under the next id and makes it active, keeping the old keys so older entries stay",
    "readable. Prints key ids, never keys. Use the file with --encryption-key-file."})
final class KeygenCommand extends CliCommand implements Callable<Integer> {
    @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "Key file to create or rotate")
    Path file;

    @Option(names = "--bytes", defaultValue = "32", description = "Key length: 16, 24 or 32 bytes (AES-128/192/256; default: ${DEFAULT-VALUE})")
    int bytes;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        boolean exists = Files.exists(file);
        EncryptionKeys keys = exists ? EncryptionKeys.read(file).rotated(bytes) : EncryptionKeys.generate(bytes);
        keys.write(file);
        output.one(out(), OutputOptions.fields("file", file.toString(), "action", exists ? "rotated" : "created", "activeKeyId",
                keys.activeId(), "keyBits", bytes * 8, "keyIds", keys.ids()), () -> {
                    out().printf("%s %s: key %d (AES-%d) is active; key ids %s%n", exists ? "rotated" : "created", file, keys.activeId(),
                            bytes * 8, keys.ids());
                    if (exists) {
                        out().println("Reopen the store's writer with this file to write under the new key; keep the old keys listed"
                                + " until no retained entry uses them.");
                    }
                });
        return 0;
    }
}
