import { useMemo } from 'react';
import { sideBySide, type DiffCell, type DiffRow } from '../../generation/diff-rows';
import type { CodeLanguage } from '../../generation/languages';
import { TokenSpans } from '../code/CodeBlock';
import { highlightLines, type Token } from '../code/highlight';
import './diff.css';

/** One side of the comparison. */
export interface DiffSide {
  title: string;
  code: string;
  language: CodeLanguage | null;
}

const CHANGE_WORDS: Record<DiffRow['kind'], { left: string; right: string }> = {
  same: { left: '', right: '' },
  changed: { left: 'Changed from: ', right: 'Changed to: ' },
  removed: { left: 'Only on the left: ', right: '' },
  added: { left: '', right: 'Only on the right: ' },
};

/**
 * Two pieces of code side by side, aligned line by line, with changed lines
 * marked by colour, a bar and (for screen readers) words.
 */
export function DiffView({ left, right }: { left: DiffSide; right: DiffSide }) {
  const { rows, changedRows } = useMemo(() => sideBySide(left.code, right.code), [left.code, right.code]);
  const leftLines = useMemo(() => highlightLines(left.code, left.language).lines, [left.code, left.language]);
  const rightLines = useMemo(
    () => highlightLines(right.code, right.language).lines,
    [right.code, right.language],
  );
  const label = `Differences between ${left.title} and ${right.title}`;

  return (
    <div className="diff">
      <p className="diff__summary" data-testid="diff-summary">
        {changedRows === 0
          ? 'The two answers have the same code.'
          : `${changedRows} ${changedRows === 1 ? 'line differs' : 'lines differ'}.`}
        <span className="diff__legend" aria-hidden="true">
          <span className="diff__swatch diff__swatch--removed" /> {left.title}
          <span className="diff__swatch diff__swatch--added" /> {right.title}
        </span>
      </p>
      <div className="diff__scroll" role="region" aria-label={label} tabIndex={0}>
        <table className="diff__table">
          <caption className="visually-hidden">{label}</caption>
          <colgroup>
            <col className="diff__col-num" />
            <col />
            <col className="diff__col-num" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" colSpan={2}>
                {left.title}
              </th>
              <th scope="col" colSpan={2}>
                {right.title}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr
                key={index}
                className={`diff__row diff__row--${row.kind}`}
                data-testid="diff-row"
                data-kind={row.kind}
              >
                <Cell
                  cell={row.left}
                  lines={leftLines}
                  side="left"
                  words={CHANGE_WORDS[row.kind].left}
                  kind={row.kind}
                />
                <Cell
                  cell={row.right}
                  lines={rightLines}
                  side="right"
                  words={CHANGE_WORDS[row.kind].right}
                  kind={row.kind}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Cell({
  cell,
  lines,
  side,
  words,
  kind,
}: {
  cell: DiffCell | null;
  lines: readonly Token[][];
  side: 'left' | 'right';
  words: string;
  kind: DiffRow['kind'];
}) {
  const mark = kind === 'same' ? '' : side === 'left' ? 'diff__code--removed' : 'diff__code--added';
  if (!cell) {
    return (
      <>
        <td className="diff__num" />
        <td className="diff__code diff__code--empty" />
      </>
    );
  }
  return (
    <>
      <td className="diff__num">{cell.line}</td>
      <td className={`diff__code ${mark}`} data-change={kind === 'same' ? undefined : kind}>
        {words ? <span className="visually-hidden">{words}</span> : null}
        <TokenSpans tokens={lines[cell.line - 1] ?? [{ text: cell.text, className: '' }]} />
      </td>
    </>
  );
}
