/**
 * Answers a service keeps and hands out again, unchanged, to many requests
 * (the cached first page of History). The response serializer writes the
 * JSON of each such object once and sends the same text afterwards: for a
 * 20-item page that text is most of the request's own work (issue 13).
 */
const kept = new WeakSet<object>();

/** Freezes the object and everything in it, so "unchanged" holds for as long as it is kept. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) {
    return;
  }
  Object.freeze(value);
  for (const inner of Object.values(value)) {
    deepFreeze(inner);
  }
}

/** Marks `answer` as kept: frozen through and through, and serialized once per route. */
export function keepAnswer<T extends object>(answer: T): T {
  deepFreeze(answer);
  kept.add(answer);
  return answer;
}

/** Whether `answer` was marked by keepAnswer. */
export function isKeptAnswer(answer: unknown): answer is object {
  return typeof answer === 'object' && answer !== null && kept.has(answer);
}
