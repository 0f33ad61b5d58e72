/**
 * Tells the editor's own changes, coming back as its `value` prop, from text
 * set from outside (a hand-off from Generate, Clear, a restored draft).
 *
 * The page stores what the editor reports and passes it back. On a busy
 * machine that echo can arrive after the user has typed more: the prop then
 * holds an older text than the editor. Comparing the prop with the editor's
 * document would take it for an outside change and throw the newer keystrokes
 * away. Instead, every text the editor reports waits in order until its echo
 * comes back; a prop that is one of them is an echo (it and the older ones
 * are done with), anything else comes from outside.
 */
export interface EditorEcho {
  /** The editor reported this text (call before passing it to the page). */
  sent(text: string): void;
  /** Whether `value`, arriving as the prop, is text set from outside that must replace the document. */
  isOutside(value: string): boolean;
}

export function createEditorEcho(): EditorEcho {
  const pending: string[] = [];
  return {
    sent(text) {
      pending.push(text);
    },
    isOutside(value) {
      const at = pending.indexOf(value);
      if (at >= 0) {
        pending.splice(0, at + 1);
        return false;
      }
      pending.length = 0;
      return true;
    },
  };
}
