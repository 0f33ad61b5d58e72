import { lazy, Suspense } from 'react';
import type { CodeBlockProps } from '../code/CodeBlock';
import type { MarkdownProps } from '../markdown/Markdown';
import type { SectionsViewProps } from './SectionsView';

/*
 * Markdown and highlighting bring about 70 KB of libraries on the wire (react-markdown,
 * remark-gfm, highlight.js). The Generate page shows none of it until an answer
 * arrives, so it loads them then, not with the page (issue 13, bytes on the wire):
 * AnswerBody starts the download as soon as a run starts, while the model prepares
 * its first token. Until the code is here, the answer shows as plain text.
 */

const loadMarkdown = () => import('../markdown/Markdown');
const loadCodeBlock = () => import('../code/CodeBlock');

let preloading: Promise<unknown> | undefined;

/** Starts loading the Markdown and highlighting code, once; a failed load is tried again next time. */
export function preloadRichText(): void {
  preloading ??= Promise.all([loadMarkdown(), loadCodeBlock()]).catch(() => {
    preloading = undefined;
  });
}

const MarkdownChunk = lazy(async () => ({ default: (await loadMarkdown()).Markdown }));
const CodeBlockChunk = lazy(async () => ({ default: (await loadCodeBlock()).CodeBlock }));
const SectionsViewChunk = lazy(async () => ({ default: (await import('./SectionsView')).SectionsView }));

function PlainText({ text }: { text: string }) {
  return <pre className="answer-body__plain">{text}</pre>;
}

/** Markdown (see Markdown), loaded on first use. */
export function LazyMarkdown(props: MarkdownProps) {
  return (
    <Suspense fallback={<PlainText text={props.text} />}>
      <MarkdownChunk {...props} />
    </Suspense>
  );
}

/** A highlighted code block (see CodeBlock), loaded on first use. */
export function LazyCodeBlock(props: CodeBlockProps) {
  return (
    <Suspense fallback={<PlainText text={props.code} />}>
      <CodeBlockChunk {...props} />
    </Suspense>
  );
}

/** A line-by-line explanation (see SectionsView), loaded on first use. */
export function LazySectionsView(props: SectionsViewProps) {
  return (
    <Suspense fallback={<PlainText text={props.code} />}>
      <SectionsViewChunk {...props} />
    </Suspense>
  );
}
