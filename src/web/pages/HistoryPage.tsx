import { PlaceholderPage } from '../components/PlaceholderPage';

/** Past requests (a later issue). */
export function HistoryPage() {
  return (
    <PlaceholderPage
      title="History"
      description="Find everything you have asked, with each answer, and open it again or reuse it."
    />
  );
}
