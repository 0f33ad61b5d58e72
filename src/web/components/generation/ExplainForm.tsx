import type { ExplainFormat, ExplainLevel } from '../../api/generation.api';
import type { CodeLanguage } from '../../generation/languages';
import { CodeEditor } from '../code/CodeEditor';
import { Segmented } from './Segmented';
import { EditorShortcutHint, editorKeysDescription } from './ShortcutHint';
import './explain-form.css';

const LEVELS: readonly { value: ExplainLevel; label: string }[] = [
  { value: 'beginner', label: 'Beginner' },
  { value: 'intermediate', label: 'Intermediate' },
  { value: 'expert', label: 'Expert' },
];

const FORMATS: readonly { value: ExplainFormat; label: string }[] = [
  { value: 'overview', label: 'Overview' },
  { value: 'line-by-line', label: 'Line by line' },
];

/** Where handed-over code came from, with Unlink to explain it unlinked from that generation. */
export function HandoffNotice({ source, onUnlink }: { source: string; onUnlink: () => void }) {
  return (
    <div className="alert alert--info handoff">
      <p>
        Code from {source}. The explanation will be linked to it in your history. Pick a level and a format,
        then press Explain.
      </p>
      <button type="button" className="btn btn--ghost btn--small" onClick={onUnlink}>
        Unlink
      </button>
    </div>
  );
}

/** The code editor with its label, error and keyboard hint. */
export function ExplainCodeField({
  code,
  onChange,
  language,
  onSubmit,
  error,
}: {
  code: string;
  onChange: (code: string) => void;
  language: CodeLanguage | null;
  onSubmit: () => void;
  error: string | null;
}) {
  return (
    <div className={error ? 'explain-form__code field--invalid' : 'explain-form__code'}>
      {/* The editor carries the same words as its accessible name: read once, not twice. */}
      <span className="explain-form__label" aria-hidden="true">
        Code to explain
      </span>
      <CodeEditor
        label="Code to explain"
        description={editorKeysDescription('explain')}
        value={code}
        onChange={onChange}
        language={language}
        onSubmit={onSubmit}
      />
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <EditorShortcutHint does="explains" />
    </div>
  );
}

/** Level and format. */
export function ExplainOptions({
  level,
  format,
  onLevel,
  onFormat,
}: {
  level: ExplainLevel;
  format: ExplainFormat;
  onLevel: (level: ExplainLevel) => void;
  onFormat: (format: ExplainFormat) => void;
}) {
  return (
    <div className="explain-form__options">
      <Segmented name="explain-level" legend="Level" options={LEVELS} value={level} onChange={onLevel} />
      <Segmented name="explain-format" legend="Format" options={FORMATS} value={format} onChange={onFormat} />
    </div>
  );
}
