import { useMemo, useRef, useState } from 'react';
import type { Section } from '../../api/generation.api';
import type { CodeLanguage } from '../../generation/languages';
import { sectionOfLine } from '../../generation/sections';
import { TokenSpans } from '../code/CodeBlock';
import { highlightLines, type Token } from '../code/highlight';
import { Markdown } from '../markdown/Markdown';
import './sections-view.css';

/** Props of a line-by-line explanation. */
export interface SectionsViewProps {
  code: string;
  language: CodeLanguage | null;
  sections: readonly Section[];
  /** More sections are still coming. */
  partial: boolean;
}

/**
 * The code beside its explained ranges. Hovering or focusing a section
 * highlights its lines (and scrolls them into view); hovering a line
 * highlights its section. On narrow screens each section also shows its own
 * lines, which screen readers always get with the section.
 */
export function SectionsView({ code, language, sections, partial }: SectionsViewProps) {
  const highlighted = useMemo(() => highlightLines(code, language), [code, language]);
  const [active, setActive] = useState<number | null>(null);
  const codeRef = useRef<HTMLDivElement>(null);
  const lines = highlighted.lines;
  const activeSection = active === null ? undefined : sections[active];

  const focusSection = (index: number) => {
    setActive(index);
    const section = sections[index];
    const panel = codeRef.current;
    const first = panel?.querySelector<HTMLElement>(`[data-line="${section?.startLine ?? 1}"]`);
    if (panel && first) {
      // Scroll the code panel only, not the page.
      const top = first.offsetTop - panel.offsetTop;
      if (top < panel.scrollTop || top > panel.scrollTop + panel.clientHeight - 40) {
        panel.scrollTop = Math.max(0, top - 24);
      }
    }
  };

  const covered = sections.reduce((max, s) => Math.max(max, s.endLine), 0);

  return (
    <div className="sections-view">
      <div className="sections-view__code" ref={codeRef} aria-hidden="true">
        <pre className="sections-view__pre">
          <code>
            {lines.map((tokens, index) => {
              const line = index + 1;
              const inActive =
                activeSection !== undefined &&
                line >= activeSection.startLine &&
                line <= activeSection.endLine;
              return (
                <span
                  key={index}
                  data-line={line}
                  data-testid="explained-line"
                  data-active={inActive ? '' : undefined}
                  className={inActive ? 'sv-line sv-line--active' : 'sv-line'}
                  onMouseEnter={() => {
                    const owner = sectionOfLine(sections, line);
                    setActive(owner >= 0 ? owner : null);
                  }}
                >
                  <span className="sv-line__number">{line}</span>
                  <span className="sv-line__text">
                    <TokenSpans tokens={tokens} />
                  </span>
                  {'\n'}
                </span>
              );
            })}
          </code>
        </pre>
      </div>

      <ol
        className="sections-view__list"
        aria-label="Explanation by lines"
        onMouseLeave={() => {
          setActive(null);
        }}
      >
        {sections.map((section, index) => {
          const heading = rangeLabel(section);
          const headingId = `section-${index}-heading`;
          return (
            <li key={`${section.startLine}-${index}`}>
              <article
                className={active === index ? 'sv-section sv-section--active' : 'sv-section'}
                tabIndex={0}
                aria-labelledby={headingId}
                onFocus={() => {
                  focusSection(index);
                }}
                onMouseEnter={() => {
                  focusSection(index);
                }}
              >
                <h3 id={headingId} className="sv-section__range">
                  {heading}
                </h3>
                <pre className="sv-section__snippet">
                  <code>{snippet(lines, section)}</code>
                </pre>
                <Markdown text={section.explanation} defaultLanguage={language} />
              </article>
            </li>
          );
        })}
      </ol>
      {partial ? (
        <p className="sections-view__progress">
          {covered > 0 ? `Explained lines 1–${covered} of ${lines.length} so far…` : 'Reading the code…'}
        </p>
      ) : null}
    </div>
  );
}

function rangeLabel(section: Section): string {
  return section.startLine === section.endLine
    ? `Line ${section.startLine}`
    : `Lines ${section.startLine}–${section.endLine}`;
}

function snippet(lines: readonly Token[][], section: Section) {
  return lines.slice(section.startLine - 1, section.endLine).map((tokens, i, all) => (
    <span key={i}>
      <TokenSpans tokens={tokens} />
      {i < all.length - 1 ? '\n' : null}
    </span>
  ));
}
