import type { Language } from '../../api/generation.api';
import { LANGUAGE_OPTIONS } from '../../generation/languages';
import './generation.css';

/** Ideas for a first prompt, shown while there is no answer yet. */
const EXAMPLES: readonly { prompt: string; language: Language }[] = [
  { prompt: 'Check whether a string is a palindrome, ignoring case and punctuation', language: 'python' },
  { prompt: 'Debounce a function so it runs once typing has paused for 300 ms', language: 'typescript' },
  { prompt: 'The five customers with the highest total order value', language: 'sql' },
  { prompt: 'Read a CSV file and print the sum of its second column', language: 'go' },
];

/** Generate's empty answer: example prompts that fill in the form. */
export function PromptExamples({ onPick }: { onPick: (prompt: string, language: Language) => void }) {
  return (
    <div className="answer__empty">
      <p>Your code will appear here as the model writes it. Try one of these:</p>
      <ul className="examples">
        {EXAMPLES.map((example) => (
          <li key={example.prompt}>
            <button
              type="button"
              className="examples__item"
              onClick={() => {
                onPick(example.prompt, example.language);
              }}
            >
              {example.prompt}
              <span className="examples__language">{languageName(example.language)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function languageName(language: Language): string {
  return LANGUAGE_OPTIONS.find((option) => option.value === language)?.label ?? language;
}
