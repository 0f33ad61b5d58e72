import { PlaceholderPage } from '../components/PlaceholderPage';

/** Home page: code generation (a later issue). */
export function GeneratePage() {
  return (
    <PlaceholderPage
      title="Generate"
      description="Describe the code you want in plain words, pick a model, and get it written for you by a code model."
    />
  );
}
