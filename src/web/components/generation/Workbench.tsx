import type { ReactNode, Ref } from 'react';
import { isRunActive, type RunSnapshot } from '../../stores/generation-run';
import { RunBadge, announcement } from './RunBadge';
import './generation.css';

/** The form of a run page (Generate, Explain, Compare): checked in code, submitted by `onSubmit`. */
export function WorkbenchForm({
  label,
  onSubmit,
  children,
}: {
  /** The form's accessible name ("Generate code"). */
  label: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  return (
    <form
      className="card card--tight workbench__form form form--compact"
      // Checked in code, with messages next to the fields (a closed Advanced panel cannot show the browser's).
      noValidate
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** The answer card of a run page: its heading, the run's badge and a live status for screen readers. */
export function AnswerSection({
  headingId,
  title,
  what,
  snapshot,
  sectionRef,
  children,
}: {
  headingId: string;
  title: string;
  /** How the status names the answer ("explanation"). */
  what?: string;
  snapshot: RunSnapshot | null;
  sectionRef?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  return (
    <section
      ref={sectionRef}
      className="card card--tight workbench__output answer"
      aria-labelledby={headingId}
      aria-busy={isRunActive(snapshot)}
    >
      <div className="answer__header">
        <h2 id={headingId} className="answer__title">
          {title}
        </h2>
        {snapshot ? <RunBadge status={snapshot.status} /> : null}
      </div>
      <p role="status" className="visually-hidden">
        {announcement(snapshot?.status, what)}
      </p>
      {children}
    </section>
  );
}
