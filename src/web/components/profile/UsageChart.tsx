import { useId } from 'react';
import type { DayCount } from '../../api/profile.api';
import { formatDay, formatDayLong, plural } from './profile-format';
import './usage.css';

/** Chart units: each day gets a 10-unit slot, the tallest bar reaches 100. */
const SLOT = 10;
const BAR = 7;
const HEIGHT = 100;

/**
 * Requests per day over the last 30 days as plain SVG bars. Screen readers
 * get the chart as one image with a summary, and the exact numbers in a
 * table under "Show the numbers" (which sighted users can open too).
 */
export function UsageChart({ days }: { days: readonly DayCount[] }) {
  const id = useId();
  const total = days.reduce((sum, day) => sum + day.count, 0);
  const top = niceCeiling(Math.max(0, ...days.map((day) => day.count)));
  const busiest = days.reduce<DayCount | null>(
    (best, day) => (day.count > 0 && (best === null || day.count > best.count) ? day : best),
    null,
  );
  const first = days[0];
  const last = days.at(-1);
  const summary =
    total === 0
      ? 'No requests in the last 30 days.'
      : `${plural(total, 'request')} in the last 30 days${
          busiest ? `; the busiest day was ${formatDayLong(busiest.date)} with ${busiest.count}.` : '.'
        }`;

  return (
    <figure className="usage-chart">
      <figcaption id={`${id}-caption`} className="usage-chart__caption">
        Requests per day, last 30 days
      </figcaption>
      <div className="usage-chart__plot">
        <div className="usage-chart__y" aria-hidden="true">
          <span>{top}</span>
          <span>{top / 2}</span>
          <span>0</span>
        </div>
        <svg
          className="usage-chart__svg"
          viewBox={`0 0 ${days.length * SLOT} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${id}-caption`}
          aria-describedby={`${id}-summary`}
          focusable="false"
        >
          {[0, HEIGHT / 2, HEIGHT].map((y) => (
            <line
              key={y}
              className="usage-chart__grid"
              x1={0}
              x2={days.length * SLOT}
              y1={y}
              y2={y}
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {days.map((day, index) => {
            const height = day.count === 0 ? 1.5 : Math.max(3, (day.count / top) * HEIGHT);
            return (
              <rect
                key={day.date}
                className={day.count === 0 ? 'usage-chart__bar usage-chart__bar--zero' : 'usage-chart__bar'}
                data-testid="usage-bar"
                data-zero={day.count === 0 ? '' : undefined}
                x={index * SLOT + (SLOT - BAR) / 2}
                y={HEIGHT - height}
                width={BAR}
                height={height}
              >
                <title>{`${formatDay(day.date)}: ${plural(day.count, 'request')}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div className="usage-chart__x" aria-hidden="true">
        <span>{first ? formatDay(first.date) : ''}</span>
        <span>{last ? `${formatDay(last.date)} (today)` : ''}</span>
      </div>
      <p id={`${id}-summary`} className="usage-chart__summary">
        {summary}
      </p>
      <details className="usage-chart__numbers">
        <summary>Show the numbers</summary>
        <div className="usage-chart__table" tabIndex={0} role="region" aria-label="Requests per day">
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((day) => (
                <tr key={day.date}>
                  <th scope="row">
                    <time dateTime={day.date}>{formatDayLong(day.date)}</time>
                  </th>
                  <td>{day.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** The smallest of 2, 4, 10, 20, 40, 100 … at or above `value` (halves stay whole numbers). */
function niceCeiling(value: number): number {
  let step = 2;
  for (;;) {
    for (const factor of [1, 2, 5]) {
      if (step * factor >= value) {
        return step * factor;
      }
    }
    step *= 10;
  }
}
