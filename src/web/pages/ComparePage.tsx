import { PlaceholderPage } from '../components/PlaceholderPage';

/** Model comparison (a later issue). */
export function ComparePage() {
  return (
    <PlaceholderPage
      title="Compare"
      description="Send one request to several models and compare their answers side by side."
    />
  );
}
