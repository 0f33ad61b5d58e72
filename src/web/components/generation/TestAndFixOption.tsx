import { REPAIR_MAX_ROUNDS } from '../../../shared/repair/repair-loop';
import type { ModelListing } from '../../api/generation.api';
import { repairUnavailableReason } from '../../generation/repair-progress';
import { changeRepairPreference, useRepairPreference } from '../../stores/repair-preference';
import '../thread/repair.css';

const ROUNDS = Array.from({ length: REPAIR_MAX_ROUNDS }, (_, i) => i + 1);

/**
 * "Test and fix" (issue 17): the model also writes tests, CodeGenie runs them
 * and sends a failure back for a fix, up to the rounds chosen. Off until the
 * user turns it on; the choice is remembered on the server for the user.
 * For a language it cannot run, or a code-completion model (which cannot
 * take the fix rounds' follow-ups), it is shown turned off, with the reason.
 */
export function TestAndFixOption({
  idPrefix,
  language,
  model,
}: {
  idPrefix: string;
  language: string;
  model: Pick<ModelListing, 'name' | 'followUps'> | null;
}) {
  const { repair } = useRepairPreference();
  const reason = repairUnavailableReason(language, model);
  const runnable = reason === null;
  const on = repair.enabled && runnable;
  const hintId = `${idPrefix}-repair-hint`;
  return (
    <div className="repair-option">
      <label htmlFor={`${idPrefix}-repair`}>
        <input
          id={`${idPrefix}-repair`}
          type="checkbox"
          checked={on}
          disabled={!runnable}
          aria-describedby={hintId}
          onChange={(event) => {
            changeRepairPreference({ enabled: event.target.checked });
          }}
        />
        Test and fix
      </label>
      <label htmlFor={`${idPrefix}-repair-rounds`}>
        Fix rounds
        <select
          id={`${idPrefix}-repair-rounds`}
          value={repair.rounds}
          disabled={!on}
          onChange={(event) => {
            changeRepairPreference({ rounds: Number(event.target.value) });
          }}
        >
          {ROUNDS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <p id={hintId} className="repair-option__hint">
        {reason !== null
          ? reason
          : on
            ? `The model also writes a few tests; CodeGenie runs them in a sandbox and sends a failure back for a fix, up to ${String(repair.rounds)} ${repair.rounds === 1 ? 'time' : 'times'}. Its tests show only what they check.`
            : 'Have the model write tests too, run them, and fix the code until they pass.'}
      </p>
    </div>
  );
}
