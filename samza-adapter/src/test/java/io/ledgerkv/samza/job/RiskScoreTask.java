package io.ledgerkv.samza.job;

import org.apache.samza.context.Context;
import org.apache.samza.storage.kv.KeyValueStore;
import org.apache.samza.system.IncomingMessageEnvelope;
import org.apache.samza.system.OutgoingMessageEnvelope;
import org.apache.samza.system.SystemStream;
import org.apache.samza.task.InitableTask;
import org.apache.samza.task.MessageCollector;
import org.apache.samza.task.StreamTask;
import org.apache.samza.task.TaskCoordinator;

/**
 * A per-account running risk score over a stream of card transactions (key: account, message:
 * amount in cents), kept in the Samza store {@code scores}; every transaction emits the account's
 * new score. Written against Samza's API only: which store backs {@code scores} is configuration.
 */
public class RiskScoreTask implements StreamTask, InitableTask {
    public static final String STORE = "scores";
    public static final SystemStream OUTPUT = new SystemStream("test", "risk-scores");

    private KeyValueStore<String, String> scores;

    @Override
    @SuppressWarnings("unchecked")
    public void init(Context context) {
        scores = (KeyValueStore<String, String>) context.getTaskContext().getStore(STORE);
    }

    @Override
    public void process(IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
        String account = (String) envelope.getKey();
        long amount = Long.parseLong((String) envelope.getMessage());
        RiskScore next = RiskScore.parse(scores.get(account)).add(amount);
        scores.put(account, next.toString());
        collector.send(new OutgoingMessageEnvelope(OUTPUT, account, account, account + " " + next));
    }
}
