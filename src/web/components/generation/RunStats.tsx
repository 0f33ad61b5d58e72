import { useEffect, useState } from 'react';
import { isRunActive, type RunSnapshot } from '../../stores/generation-run';
import { formatDuration, formatRate, runStats } from '../../generation/run-stats';
import './run-status.css';

/** Elapsed time, time to first token and tokens per second, ticking while the run is live. */
export function RunStats({ run }: { run: RunSnapshot }) {
  const active = isRunActive(run);
  const [now, setNow] = useState(() => performance.now());

  useEffect(() => {
    if (!active) {
      return;
    }
    const timer = setInterval(() => {
      setNow(performance.now());
    }, 100);
    return () => {
      clearInterval(timer);
    };
  }, [active]);

  const stats = runStats(run, active ? Math.max(now, run.startedAt) : (run.endedAt ?? now));
  return (
    <dl className="run-stats">
      <div>
        <dt>Elapsed</dt>
        <dd>{formatDuration(stats.elapsedMs)}</dd>
      </div>
      <div>
        <dt>First token</dt>
        <dd>{stats.firstTokenMs === null ? '—' : formatDuration(stats.firstTokenMs)}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd>{stats.tokensPerSecond === null ? '—' : formatRate(stats.tokensPerSecond)}</dd>
      </div>
      <div>
        <dt>Tokens</dt>
        <dd>{stats.tokens}</dd>
      </div>
    </dl>
  );
}
