import type { HistoryRecord } from '../../api/history.api';
import { formatDuration, formatRate } from '../../generation/run-stats';
import './history-record.css';

const PARAM_LABELS: Record<string, string> = {
  temperature: 'Temperature',
  topP: 'Top-p',
  maxTokens: 'Max tokens',
  stop: 'Stop sequences',
  level: 'Level',
  format: 'Format',
  // Test and fix (issue 17): the run's first turn carries its rounds, each later round's turn the mark.
  repairRounds: 'Test and fix',
  repairRound: 'Test and fix',
};

const WORDS: Record<string, string> = {
  beginner: 'Beginner',
  intermediate: 'Intermediate',
  expert: 'Expert',
  overview: 'Overview',
  'line-by-line': 'Line by line',
};

/** The settings a record ran with, in a readable list (stop sequences shown with their escapes). */
export function RecordParams({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params).filter(([, value]) => value !== null && value !== undefined);
  if (entries.length === 0) {
    return <p className="record-params__none">The model’s default settings.</p>;
  }
  // Known settings first, in a fixed order; anything newer after them.
  const order = Object.keys(PARAM_LABELS);
  entries.sort(([a], [b]) => rank(order, a) - rank(order, b));
  return (
    <dl className="record-params">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{PARAM_LABELS[name] ?? name}</dt>
          <dd>{formatParam(value, name)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Timings and token counts of a finished record. */
export function RecordStats({ record }: { record: HistoryRecord }) {
  const stats: [string, string][] = [];
  if (record.totalMs !== null) {
    stats.push(['Took', formatDuration(record.totalMs)]);
  }
  if (record.firstTokenMs !== null) {
    stats.push(['First token', formatDuration(record.firstTokenMs)]);
  }
  if (record.tokensPerSecond !== null) {
    stats.push(['Speed', formatRate(record.tokensPerSecond)]);
  }
  if (record.promptTokens !== null) {
    stats.push(['Prompt tokens', record.promptTokens.toLocaleString()]);
  }
  if (record.completionTokens !== null) {
    stats.push(['Answer tokens', record.completionTokens.toLocaleString()]);
  }
  if (stats.length === 0) {
    return null;
  }
  return (
    <dl className="record-stats">
      {stats.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function rank(order: readonly string[], name: string): number {
  const index = order.indexOf(name);
  return index === -1 ? order.length : index;
}

/** "Up to 2 fix rounds": how the first turn's repairRounds reads. */
function repairRoundsText(rounds: number): string {
  return `Up to ${rounds} fix ${rounds === 1 ? 'round' : 'rounds'}`;
}

function formatParam(value: unknown, name: string): string {
  if (name === 'repairRounds' && typeof value === 'number') {
    return repairRoundsText(value);
  }
  if (name === 'repairRound' && (value === true || value === 'fix')) {
    return 'A later round: the loop’s request after the answer before';
  }
  if (name === 'repairRound' && value === 'format') {
    return 'A later round: a reminder of the answer format, after an answer that could not be read';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? 'None' : value.map((item) => JSON.stringify(item)).join(', ');
  }
  if (typeof value === 'string') {
    return WORDS[value] ?? value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}
