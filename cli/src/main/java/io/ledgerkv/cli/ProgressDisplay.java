package io.ledgerkv.cli;

import io.ledgerkv.api.Progress;
import java.util.HashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per phase on a terminal (me.tongfei:progressbar); nothing when quiet or not a terminal. */
final class ProgressDisplay implements Progress, AutoCloseable {
    private final boolean enabled;
    private final Map<String, ProgressBar> bars = new HashMap<>();

    @SuppressWarnings("SystemConsoleNull") // the build targets JDK 17, where null means no terminal
    ProgressDisplay(boolean quiet) {
        this.enabled = !quiet && System.console() != null;
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (!enabled) {
            return;
        }
        ProgressBar bar = bars.computeIfAbsent(phase, p -> new ProgressBarBuilder().setTaskName(p)
                .setInitialMax(Math.max(1, total)).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).build());
        bar.maxHint(Math.max(1, total));
        bar.stepTo(done);
    }

    @Override
    public synchronized void close() {
        bars.values().forEach(ProgressBar::close);
        bars.clear();
    }
}
