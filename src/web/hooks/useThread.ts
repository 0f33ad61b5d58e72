import { useEffect, useMemo, useState } from 'react';
import { fetchThread, type Thread, type ThreadTurn } from '../api/threads.api';
import { useAuth } from '../auth/auth.context';
import { isRunActive, type GenerationRun, type RunSnapshot } from '../stores/generation-run';
import { readThreadVersions, writeThreadVersions, type ThreadVersions } from '../stores/page-memory';
import { currentRound, earlierRounds } from '../generation/repair-progress';
import {
  chainOf,
  choose,
  withTurn,
  type ChainStep,
  type TreeTurn,
  type VersionChoices,
} from '../generation/thread-tree';

/** The id of a run's turn before its `start` event names it. */
export const PENDING_TURN = 'pending';

/** Sorts after every stored `createdAt`: the live turn is the newest version of its position. */
const LIVE_CREATED_AT = '9999';

/** What a page shows of its thread. */
export interface ThreadState {
  /** The thread on screen (the run's, or one opened from History); null for none yet. */
  threadId: string | null;
  /** The turns shown, first position first: the chosen (or latest) version of each. */
  chain: ChainStep<ThreadTurn>[];
  /** The turn drawn live from the run (its id, or PENDING_TURN); null when the run is not in the chain. */
  liveId: string | null;
  choices: VersionChoices;
  /** Shows `turn` at its position (and that version's branch after it). */
  select: (turn: TreeTurn) => void;
}

/** The id of the turn a run is writing: Test and fix's current round, else the run's own. */
export function liveTurnIdOf(snapshot: RunSnapshot): string {
  return currentRound(snapshot.repair ?? null)?.id ?? snapshot.id ?? PENDING_TURN;
}

/**
 * The turn the run is writing, for the tree: from its request and snapshot,
 * in place of the stored turn with its id (the stored one may lag behind).
 * In a Test and fix run it is the current round, with its test run once known.
 */
export function liveTurnOf(
  run: GenerationRun,
  snapshot: RunSnapshot,
  stored: ThreadTurn | undefined,
): ThreadTurn {
  const round = currentRound(snapshot.repair ?? null);
  const common = {
    id: liveTurnIdOf(snapshot),
    parentId: round ? round.parentId : snapshot.parentId,
    modelId: snapshot.modelId ?? '',
    output: snapshot.output,
    language: snapshot.result?.language ?? run.request.body.language ?? 'any',
    status: isRunActive(snapshot)
      ? ('running' as const)
      : snapshot.status === 'done'
        ? ('completed' as const)
        : snapshot.status === 'stopped'
          ? ('cancelled' as const)
          : ('failed' as const),
    params: round && round.round > 0 ? { repairRound: true, ...stored?.params } : (stored?.params ?? {}),
    sections: snapshot.result?.sections ?? null,
    error: snapshot.error ? { code: snapshot.error.code, message: snapshot.error.message } : null,
    usage: { promptTokens: null, completionTokens: null },
    timings: { firstTokenMs: null, totalMs: null, tokensPerSecond: null },
    createdAt: stored?.createdAt ?? LIVE_CREATED_AT,
    finishedAt: null,
    ...(round?.run ? { testRun: round.run } : {}),
  };
  // A later round's request is the loop's (kept on the stored turn), not the user's.
  const loopRequest = round && round.round > 0 && stored?.kind === 'generate' ? stored.prompt : null;
  return run.request.kind === 'generate'
    ? {
        ...common,
        kind: 'generate',
        prompt: loopRequest ?? run.request.body.prompt,
        code: snapshot.result?.code ?? null,
      }
    : { ...common, kind: 'explain', code: run.request.body.code };
}

/**
 * The finished rounds of a Test and fix run before the current one, as
 * turns drawn from the stream (the thread fetched may not have them yet).
 */
export function earlierRoundTurns(
  run: GenerationRun,
  snapshot: RunSnapshot,
  stored: readonly ThreadTurn[],
): ThreadTurn[] {
  return earlierRounds(snapshot.repair ?? null).map((round) =>
    liveTurnOf(
      run,
      {
        ...snapshot,
        status: 'done',
        output: round.output,
        result: null,
        error: null,
        repair: { rounds: [round], outcome: null },
      },
      stored.find((turn) => turn.id === round.id),
    ),
  );
}

/** The versions chosen in one thread, and the run's turn already put on screen. */
export interface ChoiceState extends ThreadVersions {
  threadId: string | null;
}

/**
 * The versions to show in `threadId`: `state` while it is that thread's,
 * else what was kept for it (`load`); with the turn of `live` chosen at its
 * position when that run's turn was not shown before (a new run), but not
 * again (the same run attached after a refresh keeps the user's choice).
 */
export function nextChoiceState(
  state: ChoiceState,
  threadId: string | null,
  live: { id: string; parentId: string | null } | null,
  load: (threadId: string | null) => ChoiceState,
): ChoiceState {
  const current = state.threadId === threadId ? state : load(threadId);
  if (live === null || live.id === current.live) {
    return current;
  }
  return { ...current, choices: choose(current.choices, { ...live, createdAt: '' }), live: live.id };
}

/**
 * The versions on screen in thread `threadId`: those the user had chosen
 * there before (kept in the browser for the user, so a refresh or a reopen
 * from History shows the same versions and a follow-up continues from them),
 * with the turn of a new `live` run shown at its position.
 */
export function useVersionChoices(
  threadId: string | null,
  live: { id: string; parentId: string | null } | null,
): { choices: VersionChoices; select: (turn: TreeTurn) => void } {
  const { user } = useAuth();
  const userId = user?.id ?? '';
  const load = (id: string | null): ChoiceState => {
    const kept = id !== null && userId !== '' ? readThreadVersions(userId, id) : null;
    return { threadId: id, choices: kept?.choices ?? {}, live: kept?.live ?? null };
  };
  const [state, setState] = useState(() => load(threadId));
  const next = nextChoiceState(state, threadId, live, load);
  if (next !== state) {
    setState(next);
  }

  useEffect(() => {
    if (state.threadId !== null && userId !== '') {
      writeThreadVersions(userId, state.threadId, { choices: state.choices, live: state.live });
    }
  }, [userId, state]);

  return {
    choices: next.choices,
    select: (turn) => {
      setState((current) => ({ ...current, choices: choose(current.choices, turn) }));
    },
  };
}

/**
 * The thread of the page's run (or of `openedId`, a thread opened from
 * History): fetched when it becomes known and again when the run ends, with
 * the run's own turn drawn live in it, and the versions the user chose there.
 */
export function useThread(
  run: GenerationRun | null,
  snapshot: RunSnapshot | null,
  openedId: string | null,
): ThreadState {
  const [thread, setThread] = useState<Thread | null>(null);
  // A refused request (no id) leaves the thread it was sent in on screen.
  const threadId = snapshot?.threadId ?? openedId;
  const liveRun = run && snapshot && (snapshot.id !== null || isRunActive(snapshot)) ? run : null;
  // Each Test and fix round is a turn: the thread is fetched again as each begins.
  const liveKey = liveRun && snapshot ? `${liveTurnIdOf(snapshot)}:${String(isRunActive(snapshot))}` : '';

  useEffect(() => {
    if (threadId === null) {
      return;
    }
    const controller = new AbortController();
    fetchThread(threadId, controller.signal).then(setThread, () => {
      // Gone or offline: the run's own turn is still drawn; the next change fetches again.
    });
    return () => {
      controller.abort();
    };
  }, [threadId, liveKey]);

  // A new run's turn is the one shown at its position.
  const liveId = liveRun && snapshot ? liveTurnIdOf(snapshot) : null;
  const liveRound = currentRound(snapshot?.repair ?? null);
  const liveParent = liveRound ? liveRound.parentId : (snapshot?.parentId ?? null);
  const { choices, select } = useVersionChoices(
    threadId,
    liveId === null ? null : { id: liveId, parentId: liveParent },
  );

  const turns = useMemo(() => {
    const stored = thread && thread.id === threadId ? thread.turns : [];
    if (!liveRun || !snapshot) {
      return stored;
    }
    const live = liveTurnOf(
      liveRun,
      snapshot,
      stored.find((turn) => turn.id === liveTurnIdOf(snapshot)),
    );
    const rounds = earlierRoundTurns(liveRun, snapshot, stored).reduce(withTurn, stored);
    return withTurn(rounds, live);
  }, [thread, threadId, liveRun, snapshot]);

  const chain = useMemo(() => chainOf(turns, choices), [turns, choices]);
  return {
    threadId,
    chain,
    liveId: liveId !== null && chain.some((step) => step.turn.id === liveId) ? liveId : null,
    choices,
    select,
  };
}
