import type { Ref } from 'react';
import { TextAreaField } from '../FormField';
import { ShortcutHint, isSubmitShortcut } from './ShortcutHint';

/** "Describe the code you want": the prompt box of Generate and Compare, run with Ctrl/⌘+Enter. */
export function PromptField({
  id,
  rows,
  value,
  onChange,
  onSubmit,
  action,
  error,
  placeholder,
  ref,
}: {
  id: string;
  rows: number;
  value: string;
  onChange: (value: string) => void;
  /** Ctrl+Enter (⌘+Enter on a Mac). */
  onSubmit: () => void;
  /** What the shortcut does ("generate"). */
  action: string;
  error: string | undefined;
  placeholder?: string;
  ref?: Ref<HTMLTextAreaElement>;
}) {
  return (
    <TextAreaField
      id={id}
      name="prompt"
      label="Describe the code you want"
      ref={ref}
      rows={rows}
      value={value}
      placeholder={placeholder}
      onChange={(event) => {
        onChange(event.target.value);
      }}
      onKeyDown={(event) => {
        if (isSubmitShortcut(event)) {
          event.preventDefault();
          onSubmit();
        }
      }}
      error={error}
      hint={<ShortcutHint action={action} length={value.length} />}
    />
  );
}
