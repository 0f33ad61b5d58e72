import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Element, ElementContent } from 'hast';
import { toCodeLanguage, type CodeLanguage } from '../../generation/languages';
import { CodeBlock } from '../code/CodeBlock';
import { remarkHtmlAsText } from './remark-html-as-text';
import './markdown.css';

/** Props of rendered model output. */
export interface MarkdownProps {
  text: string;
  /** Language of fences that name none (the language the user asked for). */
  defaultLanguage?: CodeLanguage | null;
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Only absolute http(s) and mailto links survive; `javascript:`, `data:`,
 * `vbscript:` and relative links (which would point into this app) become
 * plain text.
 */
export function safeUrl(url: string): string {
  try {
    return SAFE_PROTOCOLS.has(new URL(url).protocol) ? url : '';
  } catch {
    return '';
  }
}

const REMARK_PLUGINS = [remarkGfm, remarkHtmlAsText];

/**
 * Model output as Markdown, safely: raw HTML is shown as text (never parsed
 * into elements), links are limited to http(s) and mailto and open in a new
 * tab without access to this one, images are shown as links (no requests
 * to third parties on render), and headings start below the page's own.
 */
export function Markdown({ text, defaultLanguage = null }: MarkdownProps) {
  return (
    <div className="markdown" data-testid="markdown">
      <ReactMarkdown
        remarkPlugins={REMARK_PLUGINS}
        urlTransform={safeUrl}
        components={componentsFor(defaultLanguage)}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}

const cache = new Map<CodeLanguage | null, Components>();

function componentsFor(defaultLanguage: CodeLanguage | null): Components {
  let components = cache.get(defaultLanguage);
  if (!components) {
    components = {
      pre: ({ node }: ComponentPropsWithoutRef<'pre'> & ExtraProps) => {
        const code = node?.children.find(isElement);
        const label = code ? fenceLabel(code) : null;
        return (
          <CodeBlock
            code={textOf(code?.children ?? []).replace(/\n$/, '')}
            language={label === null ? defaultLanguage : toCodeLanguage(label)}
          />
        );
      },
      code: ({ children }) => <code className="inline-code">{children}</code>,
      a: ({ href, children }) =>
        href ? (
          <a href={href} target="_blank" rel="noopener noreferrer nofollow">
            {children}
          </a>
        ) : (
          <span className="markdown__unsafe-link">{children}</span>
        ),
      img: ({ src, alt }) => imageAsLink(typeof src === 'string' ? src : '', alt ?? ''),
      h1: ({ children }) => <h3>{children}</h3>,
      h2: ({ children }) => <h4>{children}</h4>,
      h3: ({ children }) => <h5>{children}</h5>,
      h4: ({ children }) => <h6>{children}</h6>,
      h5: ({ children }) => <h6>{children}</h6>,
      table: ({ children }) => (
        <div className="markdown__table" tabIndex={0} role="region" aria-label="Table">
          <table>{children}</table>
        </div>
      ),
    };
    cache.set(defaultLanguage, components);
  }
  return components;
}

function imageAsLink(src: string, alt: string): ReactNode {
  const label = `Image: ${alt || 'no description'}`;
  return src ? (
    <a href={src} target="_blank" rel="noopener noreferrer nofollow">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}

function isElement(node: ElementContent): node is Element {
  return node.type === 'element';
}

/** "python" from class "language-python"; null when the fence named no language. */
function fenceLabel(code: Element): string | null {
  const classes = code.properties['className'];
  const list = Array.isArray(classes) ? classes : [];
  for (const value of list) {
    if (typeof value === 'string' && value.startsWith('language-')) {
      return value.slice('language-'.length);
    }
  }
  return null;
}

function textOf(nodes: readonly ElementContent[]): string {
  return nodes
    .map((n) => (n.type === 'text' ? n.value : n.type === 'element' ? textOf(n.children) : ''))
    .join('');
}
