import type { MouseEvent } from 'react';
import './SkipLink.css';

/** WCAG 2.4.1 bypass blocks: the first tab stop jumps past the header to `<main id="main">`. */
export function SkipLink() {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById('main');
    if (main) {
      // Focus instead of following the fragment, so the URL stays clean for the router.
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    }
  };
  return (
    <a className="skip-link" href="#main" onClick={onClick}>
      Skip to main content
    </a>
  );
}
