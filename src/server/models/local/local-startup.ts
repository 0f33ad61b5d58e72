import type { Logger } from '../../logger.js';
import type { LocalModelEntry } from '../catalogue.js';
import { probeHost } from './download-helpers.js';
import type { ModelFiles, PinnedFile } from './model-files.js';

/** A local model as start-up sees it. */
export interface StartupFile {
  entry: LocalModelEntry;
  /** Its pinned file; null for a file path from the catalogue (used as it is). */
  file: PinnedFile | null;
  /** A file is there (not yet verified). */
  present: boolean;
}

/** What the start-up checks need from the local provider. */
export interface StartupChecks {
  files: StartupFile[];
  modelFiles: ModelFiles;
  autoDownload: boolean;
  log: Logger;
  /** How long a download host may take to answer the probe. */
  probeTimeoutMs: number;
  /** Aborted when the provider closes. */
  signal: AbortSignal;
  /** Called for each download host that did not answer. */
  onUnreachable: (host: string) => void;
}

/**
 * The start-up truth about local models, for an administrator reading the
 * log: which models are present and which are missing, at once; then, in
 * the background, each present file checked against its pin (one at a time)
 * and one HEAD request per download host of the missing ones, so a server
 * without internet access says so before a user waits on a download.
 */
export async function startupChecks(options: StartupChecks): Promise<void> {
  const { files, log } = options;
  if (files.length === 0) {
    return;
  }
  const present = files.filter((f) => f.present);
  const missing = files.filter((f) => !f.present);
  const ids = (list: StartupFile[]): string => list.map((f) => f.entry.id).join(', ');
  const then = options.autoDownload ? 'downloaded on first use' : 'run npm run models -- pull <id>';
  log.info(
    { present: present.map((f) => f.entry.id), missing: missing.map((f) => f.entry.id) },
    `local models: ${present.length} present${present.length > 0 ? ` (${ids(present)}; checking their files)` : ''}, ` +
      `${missing.length} missing${missing.length > 0 ? ` (${ids(missing)}; ${then})` : ''}`,
  );

  const toCheck = present.flatMap((f) => (f.file ? [f.file] : []));
  options.modelFiles.checkInBackground(toCheck);
  const checked = options.modelFiles.idle().then(() => {
    if (toCheck.length === 0 || options.signal.aborted) {
      return;
    }
    const good = toCheck.filter((f) => options.modelFiles.state(f).kind === 'verified');
    const bad = toCheck.filter((f) => !good.includes(f));
    log.info(
      { verified: good.map((f) => f.id), notUsable: bad.map((f) => f.id) },
      `local model files checked: ${good.length} match their pinned SHA-256` +
        (bad.length > 0
          ? `, ${bad.length} do not (${bad.map((f) => f.id).join(', ')}; see the warnings above)`
          : ''),
    );
  });
  await Promise.all([checked, probeHosts(missing, options)]);
}

/** One HEAD request per distinct host of the missing models' downloads. */
async function probeHosts(missing: StartupFile[], options: StartupChecks): Promise<void> {
  const byHost = new Map<string, { url: string; ids: string[] }>();
  for (const { file, entry } of missing) {
    if (file) {
      const host = new URL(file.url).host;
      const known = byHost.get(host);
      if (known) {
        known.ids.push(entry.id);
      } else {
        byHost.set(host, { url: file.url, ids: [entry.id] });
      }
    }
  }
  await Promise.all(
    [...byHost].map(async ([host, { url, ids }]) => {
      const cause = await probeHost(url, options.probeTimeoutMs, options.signal);
      if (options.signal.aborted) {
        return;
      }
      if (cause === null) {
        options.log.info(
          { host, models: ids },
          `download host ${host} answers: ${ids.join(', ')} can be downloaded`,
        );
        return;
      }
      options.onUnreachable(host);
      options.log.warn(
        { host, cause, models: ids },
        `cannot reach ${host} (${cause}): ${ids.join(', ')} cannot be downloaded from this server. ` +
          "Check this server's internet access, run npm run models -- pull <id> on a machine that can and " +
          'copy the files into MODELS_DIR, or point MODELS_FILE at a model server.',
      );
    }),
  );
}
