package io.ledgerkv.samza.job;

/**
 * An account's running risk: transactions seen, their total, the largest, and an exponentially
 * weighted moving average (integer cents, weight 1/4); the score rises when a transaction is far
 * above the account's average. Stored as text so the store's contents are readable.
 */
public record RiskScore(long count, long total, long max, long ewma, long score) {
    static final RiskScore NONE = new RiskScore(0, 0, 0, 0, 0);

    public static RiskScore parse(String s) {
        if (s == null) {
            return NONE;
        }
        String[] f = s.split(" ");
        return new RiskScore(Long.parseLong(f[0].substring(6)), Long.parseLong(f[1].substring(6)), Long.parseLong(f[2].substring(4)),
                Long.parseLong(f[3].substring(5)), Long.parseLong(f[4].substring(6)));
    }

    public RiskScore add(long amount) {
        long avg = count == 0 ? amount : ewma;
        long surprise = avg == 0 ? 0 : Math.max(0, amount * 100 / Math.max(1, avg) - 100);
        return new RiskScore(count + 1, total + amount, Math.max(max, amount), (avg * 3 + amount) / 4, (score * 3 + surprise) / 4);
    }

    @Override
    public String toString() {
        return "count=" + count + " total=" + total + " max=" + max + " ewma=" + ewma + " score=" + score;
    }
}
