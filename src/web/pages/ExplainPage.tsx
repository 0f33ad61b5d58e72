import { PlaceholderPage } from '../components/PlaceholderPage';

/** Code explanation (a later issue). */
export function ExplainPage() {
  return (
    <PlaceholderPage
      title="Explain"
      description="Paste a piece of code and get a clear, step-by-step explanation of what it does and why."
    />
  );
}
