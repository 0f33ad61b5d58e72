import type { ReactNode, Ref } from 'react';

/**
 * A form whose submit runs `onSubmit` (the browser's own submit prevented)
 * and that is marked busy while it runs.
 */
export function BusyForm({
  busy,
  onSubmit,
  className = 'form',
  formRef,
  children,
  ...aria
}: {
  busy: boolean;
  onSubmit: () => Promise<void> | void;
  className?: string;
  formRef?: Ref<HTMLFormElement>;
  'aria-labelledby'?: string;
  'aria-describedby'?: string | undefined;
  children: ReactNode;
}) {
  return (
    <form
      {...aria}
      ref={formRef}
      className={className}
      aria-busy={busy}
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A form's submit button, disabled with a spinner while the form is busy. */
export function SubmitButton({
  busy,
  className = 'btn btn--primary',
  disabled = false,
  children,
}: {
  busy: boolean;
  className?: string;
  /** Disabled for another reason (nothing to save). */
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button type="submit" className={className} disabled={busy || disabled}>
      {busy ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
