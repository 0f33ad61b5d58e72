import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** Key of the first location a heading rendered for: the page the app was loaded (or reloaded) at. */
let firstKey: string | undefined;

/**
 * The page's h1, which also sets the document title. After an in-app
 * navigation it takes focus, so screen readers announce the new page and the
 * next Tab continues from the top of it (a full page load needs neither).
 */
export function PageHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();

  useEffect(() => {
    // Not by location key 'default': a reload keeps the key in history.state.
    firstKey ??= key;
    if (key !== firstKey) {
      ref.current?.focus({ preventScroll: true });
    }
  }, [key]);

  return (
    <>
      <title>{`${children} · CodeGenie`}</title>
      <h1 ref={ref} tabIndex={-1} className="page-heading">
        {children}
      </h1>
    </>
  );
}
