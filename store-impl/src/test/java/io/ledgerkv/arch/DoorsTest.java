package io.ledgerkv.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store reaches BookKeeper through one door ({@code io.ledgerkv.log.bookkeeper}) and ZooKeeper
 * through one ({@code io.ledgerkv.meta.zookeeper}); the simulation replaces exactly those two. The
 * embedded cluster ({@code cluster}) and the command line ({@code cli}) are tools around the store
 * and may use the servers directly; everything else speaks {@code LedgerLog} and {@code ZkNodes}.
 */
class DoorsTest {
    private static JavaClasses main;

    @BeforeAll
    static void load() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ledgerkv");
    }

    @Test
    void onlyTheLogDoorUsesBookKeeper() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("io.ledgerkv.log.bookkeeper..", "io.ledgerkv.cluster..",
                        "io.ledgerkv.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.bookkeeper..")
                .because("the store's logic must run unchanged on the simulated log");
        rule.check(main);
    }

    @Test
    void onlyTheMetadataDoorUsesZooKeeperOrCurator() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("io.ledgerkv.meta.zookeeper..", "io.ledgerkv.log.bookkeeper..",
                        "io.ledgerkv.cluster..", "io.ledgerkv.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..")
                .because("the store's metadata logic must run unchanged on the simulated ZooKeeper (BookKeeper's door may hand"
                        + " BookKeeper a ZooKeeper handle)");
        rule.check(main);
    }

    @Test
    void onlyTheClientWiringOpensTheDoors() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("io.ledgerkv.log.bookkeeper..", "io.ledgerkv.meta.zookeeper..",
                        "io.ledgerkv.cluster..", "io.ledgerkv.cli..")
                .and().doNotHaveFullyQualifiedName("io.ledgerkv.store.DefaultLedgerKv")
                .should().dependOnClassesThat().resideInAnyPackage("io.ledgerkv.log.bookkeeper..", "io.ledgerkv.meta.zookeeper..")
                .because("DefaultLedgerKv.connect picks the real doors; everything else works on whichever it is given");
        rule.check(main);
    }
}
