import type { HistoryFilters, HistoryKind, HistoryStatus } from '../../api/history.api';
import type { ModelListing } from '../../api/generation.api';
import { LANGUAGE_OPTIONS } from '../../generation/languages';

/** What each kind of record is called on the page. */
export const KIND_LABELS: Record<HistoryKind, string> = {
  generate: 'Generate',
  explain: 'Explain',
};

/** Statuses in plain words; `cancelled` is a run the user stopped. */
export const STATUS_LABELS: Record<HistoryStatus, string> = {
  completed: 'Completed',
  running: 'Running',
  cancelled: 'Stopped',
  failed: 'Failed',
};

/** "Python", "Any language"; an unknown value as it is. */
export function languageName(language: string): string {
  return LANGUAGE_OPTIONS.find((option) => option.value === language)?.label ?? language;
}

/** The model's display name, or its id when it is no longer in the catalogue. */
export function modelName(models: readonly ModelListing[] | null, modelId: string): string {
  return models?.find((m) => m.id === modelId)?.name ?? modelId;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Today, 14:03", "Yesterday, 09:12", "3 May, 17:40", "3 May 2025, 17:40" (local time). */
export function formatWhen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  const time = timeFormat.format(date);
  if (days === 0) {
    return `Today, ${time}`;
  }
  if (days === 1) {
    return `Yesterday, ${time}`;
  }
  if (date.getFullYear() === now.getFullYear()) {
    return `${dateFormat.format(date)}, ${time}`;
  }
  return fullFormat.format(date);
}

/** "3 May 2026, 17:40" (local time), for a record's own page. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : fullFormat.format(date);
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** The filter values the URL holds (search params of /history). */
export const FILTER_PARAMS = ['q', 'modelId', 'kind', 'language', 'status', 'from', 'to'] as const;

const KINDS = new Set<string>(['generate', 'explain']);
const STATUSES = new Set<string>(['completed', 'running', 'cancelled', 'failed']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters in a /history URL, ignoring values the API would refuse. */
export function readFilters(params: URLSearchParams): HistoryFilters {
  const text = (name: string) => params.get(name)?.trim() ?? '';
  const q = text('q').slice(0, 200);
  const modelId = text('modelId');
  const kind = text('kind');
  const language = text('language');
  const status = text('status');
  const from = text('from');
  const to = text('to');
  return {
    ...(q ? { q } : {}),
    ...(modelId ? { modelId } : {}),
    ...(KINDS.has(kind) ? { kind: kind as HistoryKind } : {}),
    ...(language ? { language } : {}),
    ...(STATUSES.has(status) ? { status: status as HistoryStatus } : {}),
    ...(DAY.test(from) ? { from } : {}),
    ...(DAY.test(to) ? { to } : {}),
  };
}

/** How many filters other than the search text are set. */
export function countFilters(filters: HistoryFilters): number {
  return FILTER_PARAMS.filter((name) => name !== 'q' && filters[name] !== undefined).length;
}

/** A stable key for a set of filters (cache and effect key). */
export function filtersKey(filters: HistoryFilters): string {
  return FILTER_PARAMS.map((name) => `${name}=${filters[name] ?? ''}`).join('&');
}

/**
 * The filters as the API takes them. Dates in the URL are the user's local
 * days; the API gets the instants those days start and end, so "to 3 May"
 * includes the evening of 3 May wherever the user is.
 */
export function toApiFilters(filters: HistoryFilters): HistoryFilters {
  const { from, to, ...rest } = filters;
  return {
    ...rest,
    ...(from ? { from: localDayStart(from, 0) } : {}),
    ...(to ? { to: localDayStart(to, 1) } : {}),
  };
}

function localDayStart(day: string, offsetDays: number): string {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(year, month - 1, date + offsetDays).toISOString();
}
