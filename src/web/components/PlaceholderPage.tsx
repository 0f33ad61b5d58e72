import type { ReactNode } from 'react';
import { PageHeading } from './PageHeading';

/** Props of a page whose feature arrives in a later release. */
export interface PlaceholderPageProps {
  title: string;
  /** One sentence: what the page will let the user do. */
  description: string;
  children?: ReactNode;
}

/** A signed-in page that is not built yet: its heading and a card saying what will be there. */
export function PlaceholderPage({ title, description, children }: PlaceholderPageProps) {
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <section className="card placeholder">
        <p className="badge">Coming soon</p>
        <p className="placeholder__text">{description}</p>
        {children}
      </section>
    </>
  );
}
