import { useEffect, useRef, useState } from 'react';
import { pullModel, type AdminModel, type PullProgress } from '../../api/admin.api';
import { formatBytes } from '../../generation/run-stats';
import { asApiError } from '../../hooks/useHistoryList';
import './admin.css';

type PullState =
  | { kind: 'idle' }
  | { kind: 'running'; progress: PullProgress | null }
  | { kind: 'done'; message: string }
  | { kind: 'failed'; message: string };

/** "Pull" for a local model: a live progress bar while its file downloads and is verified. */
export function ModelPull({ model, onFinished }: { model: AdminModel; onFinished: () => void }) {
  const [state, setState] = useState<PullState>({ kind: 'idle' });
  const controller = useRef<AbortController | null>(null);
  // Leaving the page stops listening; the download itself goes on on the server.
  useEffect(() => () => controller.current?.abort(), []);

  const pull = async () => {
    controller.current = new AbortController();
    setState({ kind: 'running', progress: null });
    try {
      for await (const e of pullModel(model.id, controller.current.signal)) {
        if (e.event === 'progress') {
          setState({ kind: 'running', progress: e.data });
        } else if (e.event === 'done') {
          setState({
            kind: 'done',
            message: e.data.alreadyPresent
              ? `${model.name} was already downloaded.`
              : `${model.name} is downloaded and verified.`,
          });
        } else {
          setState({ kind: 'failed', message: e.data.message });
        }
      }
    } catch (failure) {
      if (!controller.current.signal.aborted) {
        setState({ kind: 'failed', message: asApiError(failure).message });
      }
    }
    onFinished();
  };

  const progress = state.kind === 'running' ? state.progress : null;
  const percent = progress?.totalBytes
    ? Math.min(100, Math.round((progress.receivedBytes / progress.totalBytes) * 100))
    : null;
  return (
    <div className="admin-progress">
      {model.status === 'ready' && state.kind === 'idle' ? null : (
        <div>
          <button
            type="button"
            className="btn btn--secondary"
            disabled={state.kind === 'running'}
            aria-label={`Pull ${model.name}`}
            onClick={() => void pull()}
          >
            Pull
          </button>
        </div>
      )}
      {state.kind === 'running' ? (
        <>
          <progress
            aria-label={`Download of ${model.name}`}
            max={100}
            {...(percent === null ? {} : { value: percent })}
          />
          <span className="admin-muted" role="status">
            {progress === null
              ? 'Starting…'
              : `${progress.phase === 'verifying' ? 'Verifying' : 'Downloading'}: ${
                  percent === null ? formatBytes(progress.receivedBytes) : `${percent} %`
                }`}
          </span>
        </>
      ) : null}
      {state.kind === 'done' ? (
        <span className="admin-muted" role="status">
          {state.message}
        </span>
      ) : null}
      {state.kind === 'failed' ? (
        <p className="admin-error" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
