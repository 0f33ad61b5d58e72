import type {
  InputHTMLAttributes,
  ReactNode,
  Ref,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';
import './forms.css';

/** What every labelled control takes besides its own element's attributes. */
export interface FieldProps {
  /** The control's id; `-error` and `-hint` suffixes name the descriptions. */
  id: string;
  /** Visible label text (also the accessible name). */
  label: string;
  /** Shown after the label in a lighter style, inside the label. */
  labelNote?: string | undefined;
  /** Message from the API (or the page's own check) for this field; marks the control invalid. */
  error?: string | undefined;
  /** Help text under the control, announced as its description. */
  hint?: ReactNode;
  /** Ids of further descriptions rendered by the caller (e.g. a strength meter). */
  describedBy?: string | undefined;
}

/** The attributes the field sets on its control, wiring it to the error and hint. */
export interface FieldAria {
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** An element's own attributes, less the ones the field sets. */
type ControlProps<A> = Omit<A, 'id' | 'aria-invalid' | 'aria-describedby'>;

/**
 * A label, a control, its error and hint, wired together with aria-invalid
 * and aria-describedby: written once here for every kind of control.
 */
export function Field({
  field,
  className,
  children,
  after,
}: {
  field: FieldProps;
  /** Extra class on the wrapper. */
  className?: string | undefined;
  /** Renders the control with the aria attributes it needs. */
  children: (aria: FieldAria) => ReactNode;
  /** Rendered after the hint (a strength meter, a model's status). */
  after?: ReactNode;
}) {
  const { id, label, labelNote, error, hint, describedBy } = field;
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
      {error ? <FieldError id={errorId} message={error} /> : null}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {after}
    </div>
  );
}

/** A field's error message with its icon; `role` for errors that must be announced as they appear. */
export function FieldError({ id, message, role }: { id?: string; message: string; role?: 'alert' }) {
  return (
    <p id={id} className="field__error" role={role}>
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="field__error-icon">
        <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-.75 3h1.5v4.5h-1.5Zm0 5.75h1.5v1.5h-1.5Z" />
      </svg>
      {message}
    </p>
  );
}

/** Splits a field's props from the control's. */
function splitField<P extends FieldProps>({
  id,
  label,
  labelNote,
  error,
  hint,
  describedBy,
  ...control
}: P): [FieldProps, Omit<P, keyof FieldProps>] {
  return [{ id, label, labelNote, error, hint, describedBy }, control];
}

/** Props of one labelled input; everything else goes to the `<input>`. */
export interface FormFieldProps extends ControlProps<InputHTMLAttributes<HTMLInputElement>>, FieldProps {
  ref?: Ref<HTMLInputElement>;
  /** Rendered at the end of the field, e.g. a password strength meter. */
  children?: ReactNode;
}

/** A labelled `<input>`. */
export function FormField(props: FormFieldProps) {
  const [field, { children, ...input }] = splitField(props);
  return (
    <Field field={field} after={children}>
      {(aria) => <input {...input} {...aria} id={field.id} className="field__input" />}
    </Field>
  );
}

/** Props of a labelled text area; everything else goes to the `<textarea>`. */
export interface TextAreaFieldProps
  extends ControlProps<TextareaHTMLAttributes<HTMLTextAreaElement>>, FieldProps {
  ref?: Ref<HTMLTextAreaElement>;
  /** Rendered after the hint (e.g. a character count). */
  children?: ReactNode;
}

/** A labelled `<textarea>`. */
export function TextAreaField(props: TextAreaFieldProps) {
  const [field, { children, className, ...area }] = splitField(props);
  return (
    <Field field={field} after={children}>
      {(aria) => (
        <textarea
          {...area}
          {...aria}
          id={field.id}
          className={['field__input', 'field__textarea', className ?? ''].filter(Boolean).join(' ')}
        />
      )}
    </Field>
  );
}

/** Props of a labelled select; everything else goes to the `<select>`. */
export interface SelectFieldProps
  extends ControlProps<SelectHTMLAttributes<HTMLSelectElement>>, Omit<FieldProps, 'labelNote'> {
  /** Extra class on the field wrapper. */
  fieldClassName?: string;
  /** The `<option>`s. */
  children: ReactNode;
  /** Rendered after the hint (e.g. the selected model's status). */
  after?: ReactNode;
}

/** A labelled `<select>`. */
export function SelectField(props: SelectFieldProps) {
  const [field, { fieldClassName, children, after, ...select }] = splitField(props);
  return (
    <Field field={field} className={fieldClassName} after={after}>
      {(aria) => (
        <select {...select} {...aria} id={field.id} className="field__input field__select">
          {children}
        </select>
      )}
    </Field>
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
