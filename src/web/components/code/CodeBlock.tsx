import { useMemo } from 'react';
import { downloadFileName, languageLabel, type CodeLanguage } from '../../generation/languages';
import { DownloadButton } from './DownloadButton';
import { CopyButton } from './CopyButton';
import { highlightLines, type Token } from './highlight';
import { runnableCodeLanguage } from '../../generation/run-output';
import { LazyRunPanel, RunButton, useRunPresses } from '../run/RunControls';
import './code.css';

/** Props of a highlighted code block. */
export interface CodeBlockProps {
  code: string;
  /** The fence's language; null to detect it. */
  language: CodeLanguage | null;
  /** Shown instead of the language name, e.g. a model name. */
  title?: string;
}

/**
 * Highlighted code with its language, Run (Python, JavaScript, TypeScript: the
 * output shows under the code), Copy and Download (a file name with the right
 * extension).
 */
export function CodeBlock({ code, language, title }: CodeBlockProps) {
  const highlighted = useMemo(() => highlightLines(code, language), [code, language]);
  const shownLanguage = language ?? highlighted.language;
  const name = languageLabel(shownLanguage);
  const fileName = downloadFileName(code, shownLanguage);
  const what = shownLanguage ? `${name} code` : 'code';
  const runLanguage = runnableCodeLanguage(shownLanguage);
  const { presses, press } = useRunPresses();

  return (
    <figure className="code-block">
      <figcaption className="code-block__header">
        <span className="code-block__language">{title ?? name}</span>
        <span className="code-block__actions">
          <RunButton language={runLanguage} what={what} onRun={press} />
          <CopyButton text={code} label={`Copy ${what}`} />
          <DownloadButton
            text={code}
            fileName={fileName}
            label={`Download ${what} as ${fileName}`}
            showFileName
          />
        </span>
      </figcaption>
      {/* Focusable so keyboard users can scroll long lines sideways. */}
      <pre className="code-block__pre" tabIndex={0} aria-label={`${title ?? name} code`}>
        <code className="code-block__code" data-testid="code-block-code">
          {highlighted.lines.map((line, index) => (
            <span key={index} className="code-line">
              <TokenSpans tokens={line} />
              {index < highlighted.lines.length - 1 ? '\n' : null}
            </span>
          ))}
        </code>
      </pre>
      {runLanguage && presses > 0 ? (
        <LazyRunPanel code={code} language={runLanguage} presses={presses} what={what} />
      ) : null}
    </figure>
  );
}

/** One line's tokens as spans (plain text needs no span). */
export function TokenSpans({ tokens }: { tokens: readonly Token[] }) {
  return tokens.map((token, index) =>
    token.className ? (
      <span key={index} className={token.className}>
        {token.text}
      </span>
    ) : (
      token.text
    ),
  );
}
