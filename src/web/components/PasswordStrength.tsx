import { useEffect, useState } from 'react';

type Score = 0 | 1 | 2 | 3 | 4;
type Estimator = (password: string, userInputs: string[]) => Score;

const LABELS: Record<Score, string> = {
  0: 'Very weak',
  1: 'Weak',
  2: 'Fair',
  3: 'Good',
  4: 'Strong',
};

let estimator: Promise<Estimator> | undefined;

function loadEstimator(): Promise<Estimator> {
  estimator ??= import('./password-estimator').then((m) => m.estimatePasswordScore);
  return estimator;
}

/** Props of the strength hint. */
export interface PasswordStrengthProps {
  /** Id the password input lists in aria-describedby. */
  id: string;
  password: string;
  /** Words the password should not be based on: username, email, display name. */
  userInputs: string[];
}

/**
 * A guessability hint under the new-password field (advice only: the server
 * decides what it accepts). The estimator downloads when the user starts typing.
 */
export function PasswordStrength({ id, password, userInputs }: PasswordStrengthProps) {
  const [score, setScore] = useState<Score | null>(null);
  const inputsKey = userInputs.join('\n');

  useEffect(() => {
    if (password === '') {
      return;
    }
    let current = true;
    loadEstimator().then(
      (estimate) => {
        if (current) {
          setScore(estimate(password, inputsKey.split('\n').filter(Boolean)));
        }
      },
      () => {
        // Offline or the chunk is gone: the hint is optional, show nothing.
      },
    );
    return () => {
      current = false;
    };
  }, [password, inputsKey]);

  // Until the estimator has loaded, and for an empty field, show nothing.
  const shown = password === '' ? null : score;

  return (
    <div id={id} className="strength" data-score={shown ?? undefined}>
      {shown === null ? null : (
        <>
          <span className="strength__bar" aria-hidden="true">
            <span className="strength__fill" />
          </span>
          <span className="strength__label">
            Strength: {LABELS[shown]}
            {shown < 3 ? ' — a few unrelated words make a longer, stronger password.' : ''}
          </span>
        </>
      )}
    </div>
  );
}
