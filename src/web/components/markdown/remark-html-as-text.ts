import type { Nodes, Parents, Root } from 'mdast';

/** Containers whose children are blocks: raw HTML there was a block of its own. */
const FLOW_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

/**
 * Remark plugin: model output is untrusted, so raw HTML in it (`<script>`,
 * `<img onerror>`, `<style>` ...) is shown, never rendered. Without rehype-raw
 * react-markdown already turns it into plain text; this shows it as what it
 * is instead: an HTML block becomes a code block (with Copy), inline HTML
 * stays plain text. Nothing here ever parses HTML into elements.
 */
export function remarkHtmlAsText() {
  return (tree: Root) => {
    convert(tree);
  };
}

function convert(parent: Parents): void {
  parent.children = parent.children.map((child: Nodes) => {
    if (child.type === 'html') {
      return FLOW_PARENTS.has(parent.type)
        ? { type: 'code', lang: 'html', value: child.value }
        : { type: 'text', value: child.value };
    }
    if ('children' in child) {
      convert(child);
    }
    return child;
  }) as typeof parent.children;
}
