import type { Clock } from '../clock.js';
import { FirstPageCache } from './first-page-cache.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { PromptQuery, PromptRecord, PromptSummary, Store } from '../store/store.port.js';
import type {
  ExportFormat,
  HistoryItem,
  HistoryPage,
  HistoryQuery,
  HistoryRecord,
} from '../../shared/history.schemas.js';

const EXPORT_PAGE = 500;

/**
 * The first non-blank line, trimmed, at most 200 characters. Walks line by
 * line instead of splitting the whole text: an Explain request can carry
 * tens of kilobytes of pasted code, and a history page titles 20 of them.
 */
export function title(input: string): string {
  for (let start = 0; start < input.length;) {
    const newline = input.indexOf('\n', start);
    const end = newline === -1 ? input.length : newline;
    const line = input.slice(start, end).trim();
    if (line !== '') {
      return line.slice(0, 200);
    }
    start = end + 1;
  }
  return '';
}

/** The list view of a record. */
export function toHistoryItem(p: PromptSummary): HistoryItem {
  const seconds = p.totalMs !== null && p.firstTokenMs !== null ? (p.totalMs - p.firstTokenMs) / 1000 : null;
  return {
    id: p.id,
    threadId: p.threadId,
    kind: p.kind,
    modelId: p.modelId,
    language: p.language,
    status: p.status,
    title: title(p.input),
    createdAt: p.createdAt.toISOString(),
    finishedAt: p.finishedAt?.toISOString() ?? null,
    totalMs: p.totalMs,
    completionTokens: p.completionTokens,
    tokensPerSecond:
      seconds !== null && seconds > 0 && p.completionTokens !== null
        ? Math.round((p.completionTokens / seconds) * 10) / 10
        : null,
  };
}

/** The full view of a record. */
export function toHistoryRecord(p: PromptRecord): HistoryRecord {
  return {
    ...toHistoryItem(p),
    input: p.input,
    output: p.output,
    code: p.code,
    sections: p.sections,
    params: p.params,
    error: p.error,
    promptTokens: p.promptTokens,
    firstTokenMs: p.firstTokenMs,
    generationId: p.generationId,
    parentId: p.parentId,
  };
}

/** The store's filters of a history (or threads) listing; InvalidInputError when `to` is not after `from`. */
export function toPromptQuery(query: Omit<HistoryQuery, 'limit' | 'cursor'>): PromptQuery {
  const filters: PromptQuery = {
    q: query.q || undefined,
    modelId: query.modelId,
    kind: query.kind,
    language: query.language,
    status: query.status,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : endOf(query.to),
  };
  if (filters.from && filters.to && filters.from >= filters.to) {
    throw new InvalidInputError(undefined, {
      fields: { to: 'The end date must be after the start date.' },
    });
  }
  return filters;
}

/** The unfiltered first page: the one History opens with, and the only one cached. */
function isFirstPage(filters: PromptQuery, cursor: string | undefined): boolean {
  return cursor === undefined && Object.values(filters).every((value) => value === undefined);
}

/** Everything a user asked, for the History page and its export. */
export class HistoryService {
  private readonly firstPages = new FirstPageCache<HistoryPage>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async list(userId: string, query: HistoryQuery): Promise<HistoryPage> {
    const filters = toPromptQuery(query);
    // Read before the page, so a write in between only makes the page newer than its revision.
    const revision = isFirstPage(filters, query.cursor)
      ? await this.store.prompts.listingRevision(userId)
      : null;
    const cached = revision === null ? undefined : this.firstPages.get(userId, revision, query.limit);
    if (cached) {
      return cached;
    }
    // Only the columns a list shows: the output and code of each item are most of a record's bytes.
    const page = await this.store.prompts.listSummariesForUser(userId, filters, query.limit, query.cursor);
    const answer: HistoryPage = {
      items: page.items.map(toHistoryItem),
      nextCursor: page.nextCursor,
      ...(page.searchLimited ? { searchLimited: true as const } : {}),
    };
    if (revision !== null) {
      this.firstPages.set(userId, revision, query.limit, answer);
    }
    return answer;
  }

  /** Another user's record is "not found", never "forbidden": nothing leaks. */
  async get(userId: string, id: string): Promise<HistoryRecord> {
    const record = await this.store.prompts.findById(id);
    if (record?.userId !== userId) {
      throw new NotFoundError('There is no such item in your history.');
    }
    return toHistoryRecord(record);
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.store.prompts.deleteForUser(userId, id))) {
      throw new NotFoundError('There is no such item in your history.');
    }
  }

  async deleteAll(userId: string): Promise<number> {
    return this.store.prompts.deleteAllForUser(userId);
  }

  /** Every record of the user, newest first, page by page (bounded memory per page). */
  async *records(userId: string): AsyncGenerator<HistoryRecord> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.store.prompts.listForUser(userId, {}, EXPORT_PAGE, cursor);
      for (const item of page.items) {
        yield toHistoryRecord(item);
      }
      if (!page.nextCursor) {
        return;
      }
      cursor = page.nextCursor;
    }
  }

  /**
   * The export, as chunks of text to stream: JSON (`{exportedAt, username,
   * items: [...]}`) or Markdown. Memory stays bounded however long the history.
   */
  async *export(userId: string, username: string, format: ExportFormat): AsyncGenerator<string> {
    const exportedAt = this.clock.now().toISOString();
    if (format === 'json') {
      yield `{"exportedAt":${JSON.stringify(exportedAt)},"username":${JSON.stringify(username)},"items":[`;
      let first = true;
      for await (const r of this.records(userId)) {
        yield `${first ? '' : ','}\n${JSON.stringify(r)}`;
        first = false;
      }
      yield '\n]}\n';
      return;
    }
    yield `# CodeGenie history of ${username}\n\nExported ${exportedAt}.\n`;
    for await (const r of this.records(userId)) {
      yield [
        '',
        `## ${r.kind === 'generate' ? 'Generate' : 'Explain'}: ${r.title || '(empty)'}`,
        '',
        `- When: ${r.createdAt}`,
        `- Model: ${r.modelId}`,
        `- Language: ${r.language}`,
        `- Status: ${r.status}${r.error ? ` (${r.error.message})` : ''}`,
        // The thread structure: which thread, and which turn this one follows.
        `- Thread: ${r.threadId}${r.parentId ? `, after ${r.parentId}` : ''}`,
        '',
        r.kind === 'generate' ? '### Prompt' : '### Code',
        '',
        fence(r.input, r.kind === 'explain' ? r.language : ''),
        '',
        '### Answer',
        '',
        r.output,
        '',
      ].join('\n');
    }
  }
}

/** A fence longer than any run of backticks inside, so the content cannot break out. */
function fence(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language === 'any' ? '' : language}\n${text}\n${ticks}`;
}

/** A date-only `to` means the whole day. */
function endOf(value: string): Date {
  const d = new Date(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(d.getTime() + 86_400_000) : d;
}
