package io.ledgerkv.api;

/**
 * How far a standby reader is behind its writer.
 *
 * @param applied        LSN of the last transaction the standby applied
 * @param appliedTxnSeq  its transaction sequence number
 * @param writerTxnSeq   the newest transaction the standby knows the writer committed (from the
 *                       writer's published stats, at most {@code statsInterval} old, and from
 *                       entries the standby has read)
 * @param lagTxns        transactions committed by the writer and not yet applied here
 * @param error          why the standby is not progressing, or null
 */
public record StandbyLag(Lsn applied, long appliedTxnSeq, long writerTxnSeq, long lagTxns, String error) {
}
