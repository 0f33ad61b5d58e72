import { useState } from 'react';
import { asApiError } from './useHistoryList';

/**
 * An action behind a confirmation dialog: `ask()` opens it; confirming runs
 * `action`, keeping the dialog open (busy) until it ends, and open with the
 * error if it fails. Spread `dialog` on a `<ConfirmDialog>`.
 */
export function useConfirm(action: () => Promise<void>) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setOpen(false);
    } catch (failure) {
      setError(asApiError(failure).message);
    } finally {
      setBusy(false);
    }
  };

  return {
    ask: () => {
      setError(null);
      setOpen(true);
    },
    dialog: {
      open,
      busy,
      error,
      onConfirm: () => void run(),
      onCancel: () => {
        setOpen(false);
      },
    },
  };
}
