package io.ledgerkv.api;

import java.nio.file.Path;

/** What a backup file holds, or what a restore imported. */
public record BackupSummary(String store, String lsn, long txnSeq, long keyCount, int chunks, long fileBytes, Path file) {
}
