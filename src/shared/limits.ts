/** Size limits shared by the server and the web app (no dependencies, so the web bundle stays small). */

/** Largest prompt or code accepted (characters); longer gets 413. */
export const MAX_INPUT_CHARS = 32_000;

/** The most runs one Compare group may have at once (Compare offers 2–5 models). */
export const MAX_GROUP_RUNS = 5;
