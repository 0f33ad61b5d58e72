import type { RunError } from '../../generation/describe-error';

/** A failed run in plain words, announced as it appears. Field messages show next to their fields instead. */
export function RunErrorAlert({ error, id }: { error: RunError | null; id?: string }) {
  if (!error) {
    return null;
  }
  return (
    <div id={id} role="alert" className="alert alert--error run-error">
      <p>{error.message}</p>
    </div>
  );
}
