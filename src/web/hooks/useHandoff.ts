import { useCallback, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/auth.context';
import type { ExplainLocationState } from '../generation/explain-handoff';
import type { Workspace } from '../stores/workspace';

/** Workspace values that remember which router entry's hand-off was taken. */
interface HandoffWorkspace {
  /** The router entry whose handed-over state was already taken (Back must not take it again). */
  handoffKey: string | null;
}

/**
 * The page's saved workspace for the signed-in user, with what another page
 * handed over (router state) applied once per router entry: Back to the same
 * entry keeps the user's later edits. Read once, on the first render.
 */
export function useWorkspaceHandoff<T extends HandoffWorkspace, H>(
  workspace: Workspace<T>,
  read: (state: unknown) => H | null,
  take: (values: T, handoff: H) => Partial<T>,
): T {
  const { user } = useAuth();
  const location = useLocation();
  const [saved] = useState(() => {
    const values = workspace.read(user?.id ?? '');
    const handoff = read(location.state);
    if (handoff === null || values.handoffKey === location.key) {
      return values;
    }
    return { ...values, ...take(values, handoff), handoffKey: location.key };
  });
  return saved;
}

/** Opens Explain with the code (and where it came from): "Explain this code". */
export function useExplainCode(): (state: ExplainLocationState) => void {
  const navigate = useNavigate();
  return useCallback(
    (state: ExplainLocationState) => {
      void navigate('/explain', { state });
    },
    [navigate],
  );
}
