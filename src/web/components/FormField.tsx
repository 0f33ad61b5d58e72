import type {
  InputHTMLAttributes,
  ReactNode,
  Ref,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';
import './forms.css';

/** Props of one labelled input; everything else goes to the `<input>`. */
export interface FormFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'aria-invalid' | 'aria-describedby'
> {
  /** The input id; `-error` and `-hint` suffixes name the descriptions. */
  id: string;
  /** Visible label text (also the accessible name). */
  label: string;
  /** Shown after the label in a lighter style, inside the label. */
  labelNote?: string;
  /** Message from the API for this field; marks the input invalid. */
  error?: string | undefined;
  /** Help text under the input, announced as its description. */
  hint?: ReactNode;
  /** Ids of further descriptions rendered by the caller (e.g. a strength meter). */
  describedBy?: string;
  ref?: Ref<HTMLInputElement>;
  /** Rendered at the end of the field, e.g. a password strength meter. */
  children?: ReactNode;
}

/** A label, input, error and hint wired together with aria-invalid / aria-describedby. */
export function FormField({
  id,
  label,
  labelNote,
  error,
  hint,
  describedBy,
  ref,
  children,
  ...inputProps
}: FormFieldProps) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const descriptions = [error ? errorId : null, hint ? hintId : null, describedBy ?? null]
    .filter((value): value is string => value !== null)
    .join(' ');

  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id} className="field__label">
        {label}
        {labelNote ? <span className="field__label-note"> {labelNote}</span> : null}
      </label>
      <input
        {...inputProps}
        id={id}
        ref={ref}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={descriptions || undefined}
      />
      {error ? (
        <p id={errorId} className="field__error">
          <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="field__error-icon">
            <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-.75 3h1.5v4.5h-1.5Zm0 5.75h1.5v1.5h-1.5Z" />
          </svg>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children}
    </div>
  );
}

/** The parts every labelled control shares: label, error and hint, wired with aria-describedby. */
interface FieldFrameProps {
  id: string;
  label: string;
  labelNote?: string | undefined;
  error?: string | undefined;
  hint?: ReactNode;
  describedBy?: string | undefined;
  className?: string | undefined;
  children: (aria: { 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }) => ReactNode;
  /** Rendered after the hint. */
  after?: ReactNode;
}

function FieldFrame({
  id,
  label,
  labelNote,
  error,
  hint,
  describedBy,
  className,
  children,
  after,
}: FieldFrameProps) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const descriptions = [error ? errorId : null, hint ? hintId : null, describedBy ?? null]
    .filter((value): value is string => value !== null)
    .join(' ');
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field__label">
        {label}
        {labelNote ? <span className="field__label-note"> {labelNote}</span> : null}
      </label>
      {children({ 'aria-invalid': error ? true : undefined, 'aria-describedby': descriptions || undefined })}
      {error ? (
        <p id={errorId} className="field__error">
          <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="field__error-icon">
            <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-.75 3h1.5v4.5h-1.5Zm0 5.75h1.5v1.5h-1.5Z" />
          </svg>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {after}
    </div>
  );
}

/** Props of a labelled text area; everything else goes to the `<textarea>`. */
export interface TextAreaFieldProps extends Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  'id' | 'aria-invalid' | 'aria-describedby'
> {
  id: string;
  label: string;
  labelNote?: string;
  error?: string | undefined;
  hint?: ReactNode;
  describedBy?: string;
  ref?: Ref<HTMLTextAreaElement>;
  /** Rendered after the hint (e.g. a character count). */
  children?: ReactNode;
}

/** A label, text area, error and hint wired together like `FormField`. */
export function TextAreaField({
  id,
  label,
  labelNote,
  error,
  hint,
  describedBy,
  ref,
  children,
  className,
  ...areaProps
}: TextAreaFieldProps) {
  return (
    <FieldFrame
      id={id}
      label={label}
      labelNote={labelNote}
      error={error}
      hint={hint}
      describedBy={describedBy}
      after={children}
    >
      {(aria) => (
        <textarea
          {...areaProps}
          {...aria}
          id={id}
          ref={ref}
          className={['field__input', 'field__textarea', className ?? ''].filter(Boolean).join(' ')}
        />
      )}
    </FieldFrame>
  );
}

/** Props of a labelled select; everything else goes to the `<select>`. */
export interface SelectFieldProps extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'id' | 'aria-invalid' | 'aria-describedby'
> {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  describedBy?: string | undefined;
  /** Extra class on the field wrapper. */
  fieldClassName?: string;
  /** The `<option>`s. */
  children: ReactNode;
  /** Rendered after the hint (e.g. the selected model's status). */
  after?: ReactNode;
}

/** A label, select, error and hint wired together like `FormField`. */
export function SelectField({
  id,
  label,
  error,
  hint,
  describedBy,
  fieldClassName,
  children,
  after,
  ...selectProps
}: SelectFieldProps) {
  return (
    <FieldFrame
      id={id}
      label={label}
      error={error}
      hint={hint}
      describedBy={describedBy}
      className={fieldClassName}
      after={after}
    >
      {(aria) => (
        <select {...selectProps} {...aria} id={id} className="field__input field__select">
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

/** The form-level error region; `role="alert"` so screen readers announce it when it appears. */
export function FormAlert({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) {
    return null;
  }
  return (
    <div role="alert" className="alert alert--error">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/** A polite status banner, e.g. "Registration successful. Please log in." */
export function FormNotice({ message, tone }: { message: string; tone: 'success' | 'info' }) {
  return (
    <div role="status" className={`alert alert--${tone}`}>
      <p>{message}</p>
    </div>
  );
}

/**
 * A polite status region that is in the page before its message arrives:
 * screen readers announce text added to an existing live region more reliably
 * than a region that appears together with its text.
 */
export function StatusRegion({
  message,
  tone,
}: {
  /** The message to show; `null` keeps the (empty) region in place. */
  message: string | null;
  tone: 'success' | 'info';
}) {
  return (
    <div role="status" className="status-region">
      {message ? (
        <div className={`alert alert--${tone}`}>
          <p>{message}</p>
        </div>
      ) : null}
    </div>
  );
}
