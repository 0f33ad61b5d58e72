/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export const PRODUCT_NAME = 'CodeGenie';

/** One paragraph of HTML, or a button-like link. */
export type Block = { text: string } | { link: string; label: string };

/**
 * Wraps paragraphs in the shared email layout: the product name, plain
 * system fonts, no images, no remote resources, no tracking.
 */
export function renderHtml(title: string, blocks: Block[]): string {
  const body = blocks
    .map((b) =>
      'link' in b
        ? `<p style="margin:24px 0"><a href="${escapeHtml(b.link)}" style="background:#5b3fd6;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(b.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#555">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">${escapeHtml(b.link)}</span></p>`
        : `<p style="margin:0 0 16px">${escapeHtml(b.text)}</p>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#16181d;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:32px">
<p style="margin:0 0 24px;font-size:18px;font-weight:700">${PRODUCT_NAME}</p>
${body}
</div>
</body></html>`;
}

/** The plain-text part of the same message. */
export function renderText(blocks: Block[]): string {
  return `${PRODUCT_NAME}\n\n${blocks.map((b) => ('link' in b ? `${b.label}:\n${b.link}` : b.text)).join('\n\n')}\n`;
}
