/**
 * The client side of a thread's tree. The server lists every turn, every
 * version, with the turn each follows (`parentId`); turns with the same parent
 * are versions of one position. The page shows one chain from the first
 * position: at each position the version the user chose, else the latest.
 */

/** What the tree needs of a turn. */
export interface TreeTurn {
  id: string;
  parentId: string | null;
  createdAt: string;
}

/** The version chosen at each position, keyed by the position's parent id ('' for the first). */
export type VersionChoices = Readonly<Record<string, string>>;

/** One position of the chain on screen. */
export interface ChainStep<T extends TreeTurn> {
  turn: T;
  /** Every version of this position, oldest first. */
  versions: readonly T[];
  /** Where `turn` is in `versions` (0-based). */
  index: number;
}

function positionKey(parentId: string | null): string {
  return parentId ?? '';
}

/** The versions of the position after `parentId` (null: the first position), oldest first. */
export function versionsAfter<T extends TreeTurn>(turns: readonly T[], parentId: string | null): T[] {
  return turns
    .map((turn, order) => ({ turn, order }))
    .filter(({ turn }) => turn.parentId === parentId)
    .sort((a, b) => a.turn.createdAt.localeCompare(b.turn.createdAt) || a.order - b.order)
    .map(({ turn }) => turn);
}

/**
 * The chain shown: from the first position, the chosen version of each
 * position (the latest when none was chosen, or the choice is gone), then the
 * position that follows it, until a turn has no follow-up.
 */
export function chainOf<T extends TreeTurn>(turns: readonly T[], choices: VersionChoices): ChainStep<T>[] {
  const chain: ChainStep<T>[] = [];
  const seen = new Set<string>();
  let parentId: string | null = null;
  for (;;) {
    const versions: T[] = versionsAfter(turns, parentId);
    if (versions.length === 0) {
      return chain;
    }
    const chosen = choices[positionKey(parentId)];
    const found = versions.findIndex((turn) => turn.id === chosen);
    const index = found === -1 ? versions.length - 1 : found;
    const turn: T | undefined = versions[index];
    // A malformed list (a turn its own ancestor) must not loop forever.
    if (turn === undefined || seen.has(turn.id)) {
      return chain;
    }
    seen.add(turn.id);
    chain.push({ turn, versions, index });
    parentId = turn.id;
  }
}

/** The choices with `turn` shown at its position. */
export function choose(choices: VersionChoices, turn: TreeTurn): VersionChoices {
  return { ...choices, [positionKey(turn.parentId)]: turn.id };
}

/** The turns with `turn` added, or put in place of the turn with its id. */
export function withTurn<T extends TreeTurn>(turns: readonly T[], turn: T): T[] {
  const at = turns.findIndex((known) => known.id === turn.id);
  if (at === -1) {
    return [...turns, turn];
  }
  return turns.map((known, i) => (i === at ? turn : known));
}
