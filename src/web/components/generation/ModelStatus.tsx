import type { ModelListing } from '../../api/generation.api';
import { formatBytes } from '../../generation/run-stats';
import './model-status.css';

/**
 * "Remote Chat (ready)", "Phi-2 (not downloaded, 1.8 GB)" ...: a model in a
 * plain-text list; a `note` follows the status ("ready; no follow-ups").
 */
export function modelOptionLabel(model: ModelListing, note?: string): string {
  return `${model.name} (${statusWords(model)}${note ? `; ${note}` : ''})`;
}

/** The status in a few words. */
export function statusWords(model: ModelListing): string {
  switch (model.status) {
    case 'ready':
      return 'ready';
    case 'not-downloaded':
      return model.downloadSize ? `not downloaded, ${formatBytes(model.downloadSize)}` : 'not downloaded';
    case 'downloading': {
      const percent = downloadPercent(model);
      return percent === null ? 'downloading' : `downloading, ${percent}%`;
    }
    case 'verifying': {
      const percent = downloadPercent(model);
      return percent === null ? 'checking the file' : `checking the file, ${percent}%`;
    }
    case 'unavailable':
      return 'unavailable';
    default: {
      const unreachable: never = model.status;
      return unreachable;
    }
  }
}

function downloadPercent(model: ModelListing): number | null {
  const total = model.progress?.totalBytes ?? model.downloadSize;
  if (!model.progress || !total) {
    return null;
  }
  return Math.min(100, Math.floor((model.progress.receivedBytes / total) * 100));
}

/** Props of a model's status line. */
export interface ModelStatusProps {
  model: ModelListing;
  /** Id for aria-describedby of the control that picks the model. */
  id?: string;
  /** Show the model's description too. */
  withDescription?: boolean;
}

/**
 * A model's status: a badge, and what it means for the user (the download
 * size, a live progress bar, or why the model cannot be used).
 */
export function ModelStatus({ model, id, withDescription = false }: ModelStatusProps) {
  return (
    <div id={id} className={`model-status model-status--${model.status}`}>
      <p className="model-status__line">
        <span className="model-status__badge">{badgeText(model)}</span>
        <span className="model-status__text">{detail(model)}</span>
      </p>
      {model.status === 'downloading' || model.status === 'verifying' ? (
        <DownloadProgress model={model} />
      ) : null}
      {withDescription && model.description ? (
        <p className="model-status__description">{model.description}</p>
      ) : null}
    </div>
  );
}

function badgeText(model: ModelListing): string {
  switch (model.status) {
    case 'ready':
      return 'Ready';
    case 'not-downloaded':
      return 'Not downloaded';
    case 'downloading':
      return 'Downloading';
    case 'verifying':
      return 'Checking';
    case 'unavailable':
      return 'Unavailable';
    default: {
      const unreachable: never = model.status;
      return unreachable;
    }
  }
}

function detail(model: ModelListing): string {
  const where = model.provider === 'local' ? 'Runs on this server' : 'Remote model server';
  switch (model.status) {
    case 'ready':
      return `${where}.`;
    case 'not-downloaded':
      // A reason here is why the last download failed, and what to do about it.
      return (
        model.reason ??
        `${model.downloadSize ? `${formatBytes(model.downloadSize)}, d` : 'D'}ownloads the first time it is used.`
      );
    case 'verifying': {
      const percent = downloadPercent(model);
      return `Checking the model file against its pinned SHA-256${percent === null ? '' : ` (${percent}%)`}.`;
    }
    case 'downloading': {
      const received = model.progress?.receivedBytes ?? 0;
      const total = model.progress?.totalBytes ?? model.downloadSize;
      const percent = downloadPercent(model);
      return total
        ? `${formatBytes(received)} of ${formatBytes(total)}${percent === null ? '' : ` (${percent}%)`}.`
        : `${formatBytes(received)} so far.`;
    }
    case 'unavailable':
      return model.reason ?? 'This model cannot be used right now.';
    default: {
      const unreachable: never = model.status;
      return unreachable;
    }
  }
}

/** A native progress bar (no inline styles needed), indeterminate while the size is unknown. */
export function DownloadProgress({ model }: { model: ModelListing }) {
  const total = model.progress?.totalBytes ?? model.downloadSize;
  const received = model.progress?.receivedBytes ?? 0;
  const label = `${model.status === 'verifying' ? 'Check' : 'Download'} of ${model.name}`;
  return total ? (
    <progress className="progress" max={total} value={Math.min(received, total)} aria-label={label} />
  ) : (
    <progress className="progress" aria-label={label} />
  );
}
