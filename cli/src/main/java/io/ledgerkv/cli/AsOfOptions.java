package io.ledgerkv.cli;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.Lsn;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Which state a read shows ({@code get}, {@code scan}, {@code backup}): the latest, a checkpoint, or right after an LSN. */
final class AsOfOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--checkpoint", paramLabel = "ID", description = "Read the state of this checkpoint instead of the latest")
        Integer checkpoint;

        @Option(names = "--lsn", paramLabel = "LSN", description = "Read the state right after the transaction at this LSN "
                + "(ledgerSeq:entryId:slot, as put and status print it)")
        String lsn;
    }

    AsOf asOf() {
        if (choice == null) {
            return AsOf.latest();
        }
        return choice.checkpoint != null ? AsOf.checkpoint(choice.checkpoint) : AsOf.lsn(Lsn.parse(choice.lsn));
    }
}
