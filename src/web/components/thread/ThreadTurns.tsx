import { useState, type ReactNode } from 'react';
import type { ModelListing } from '../../api/generation.api';
import type { ThreadTurn } from '../../api/threads.api';
import type { ChainStep } from '../../generation/thread-tree';
import { isRepairRound, summaryOfTurns, type RepairSummary } from '../../generation/repair-progress';
import { RepairSummaryNote, RepairTurnAnswer } from './RepairTurnAnswer';
import { TurnControls } from './TurnControls';
import { TurnEditor } from './TurnEditor';
import './thread.css';

/** Props of a thread's chain of turns. */
export interface ThreadTurnsProps {
  chain: readonly ChainStep<ThreadTurn>[];
  /** The turn drawn by `renderLive` (the page's run); the others are drawn by `renderStored`. */
  liveId: string | null;
  renderLive: () => ReactNode;
  renderStored: (turn: ThreadTurn) => ReactNode;
  /** Earlier turns the live run's model did not get. */
  omittedTurns: number;
  models: readonly ModelListing[] | null;
  /** A run is going: Regenerate waits. */
  busy: boolean;
  onSelect: (turn: ThreadTurn) => void;
  /** Regenerate a turn; without it (a thread read in History) there is no Retry. */
  onRegenerate?: ((turn: ThreadTurn, modelId: string) => void) | undefined;
  /**
   * Sends an edited request as a new version of `turn`; true when sent.
   * Without it (a thread read in History) requests cannot be edited.
   */
  onEdit?: (turn: ThreadTurn, text: string) => boolean;
  /** The models offered for Retry besides a turn's own; every listed one (each as it can take the turn) when left out. */
  usable?: (model: ModelListing) => boolean;
  /**
   * How the Test and fix run ending the chain ended (null: nothing to say,
   * e.g. while it runs); read from the stored turns when left out.
   */
  repairSummary?: RepairSummary | null;
}

/** What the user sent in a turn, in words. */
export function requestOf(turn: ThreadTurn, position: number): string {
  if (turn.kind === 'generate') {
    return turn.prompt;
  }
  return position === 0 ? 'Explain this code.' : turn.code;
}

/** The text a turn sent: Generate's prompt, Explain's code or question. */
export function sentText(turn: ThreadTurn): string {
  return turn.kind === 'generate' ? turn.prompt : turn.code;
}

/**
 * The turns of the chain on screen, each its request then its answer, with
 * "2 / 3" and arrows where a position has versions, Edit on each request (a
 * new version of that turn) and Regenerate (with the same or another model)
 * under each answer.
 */
export function ThreadTurns(props: ThreadTurnsProps) {
  const { chain, liveId } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const summary =
    props.repairSummary === undefined ? summaryOfTurns(chain.map((step) => step.turn)) : props.repairSummary;
  return (
    <>
      <ol className="thread" aria-label="Conversation">
        {chain.map((step, position) => {
          // Test and fix's later rounds were sent by CodeGenie, not typed by the user: no Edit.
          const loopTurn = isRepairRound(step.turn);
          const onEdit = loopTurn ? undefined : props.onEdit;
          const testRun = step.turn.testRun;
          return (
            <li key={step.turn.id} className="thread-turn" aria-label={`Turn ${position + 1}`}>
              <div className="thread-turn__request">
                <span className="thread-turn__who">{loopTurn ? 'Test and fix' : 'You'}</span>
                {loopTurn ? (
                  <LoopRequest
                    text={sentText(step.turn)}
                    afterRun={chain[position - 1]?.turn.testRun !== undefined}
                  />
                ) : onEdit && editing === step.turn.id ? (
                  <TurnEditor
                    id={`edit-${step.turn.id}`}
                    initialText={sentText(step.turn)}
                    busy={props.busy}
                    onSend={(text) => onEdit(step.turn, text)}
                    onCancel={() => {
                      setEditing(null);
                    }}
                  />
                ) : (
                  <>
                    <p className="thread-turn__text">{requestOf(step.turn, position)}</p>
                    {onEdit ? (
                      <button
                        type="button"
                        className="btn btn--ghost thread-turn__edit-button"
                        disabled={props.busy}
                        aria-label={`Edit request ${position + 1}`}
                        onClick={() => {
                          setEditing(step.turn.id);
                        }}
                      >
                        Edit
                      </button>
                    ) : null}
                  </>
                )}
              </div>
              <div className="thread-turn__answer">
                {step.turn.id === liveId && props.omittedTurns > 0 ? (
                  <p className="note">
                    {props.omittedTurns === 1
                      ? '1 earlier turn was left out'
                      : `${props.omittedTurns} earlier turns were left out`}
                    : the conversation no longer fits this model&apos;s context.
                  </p>
                ) : null}
                {testRun ? (
                  <RepairTurnAnswer turn={step.turn} testRun={testRun} />
                ) : step.turn.id === liveId ? (
                  props.renderLive()
                ) : (
                  props.renderStored(step.turn)
                )}
                {/* Nor Retry: it would send the loop's fix request again as a prompt of the user's. */}
                <TurnControls
                  step={step}
                  position={position}
                  {...props}
                  onRegenerate={loopTurn ? undefined : props.onRegenerate}
                />
              </div>
            </li>
          );
        })}
      </ol>
      {summary ? <RepairSummaryNote summary={summary} /> : null}
    </>
  );
}

/** A fix (or format) request the loop sent: said in short, the text itself one click away. */
function LoopRequest({ text, afterRun }: { text: string; afterRun: boolean }) {
  return (
    <>
      <p className="thread-turn__text">
        {afterRun
          ? 'The tests did not pass: CodeGenie sent what they printed back to the model and asked it to fix the code.'
          : 'The answer could not be read as code and tests: CodeGenie reminded the model of the format.'}
      </p>
      <details>
        <summary>What was sent</summary>
        <p className="thread-turn__text">{text}</p>
      </details>
    </>
  );
}
