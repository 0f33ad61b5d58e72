import { StreamLanguage } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import type { CodeLanguage } from '../../generation/languages';

/**
 * CodeMirror language support, loaded when first chosen: each grammar is its
 * own chunk, so the Explain page downloads only the ones people use.
 * C# and Bash have no Lezer grammar; the legacy stream modes cover them.
 */
export async function loadEditorLanguage(language: CodeLanguage | null): Promise<Extension> {
  switch (language) {
    case 'python':
      return (await import('@codemirror/lang-python')).python();
    case 'javascript':
      return (await import('@codemirror/lang-javascript')).javascript({ jsx: true });
    case 'typescript':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true, jsx: true });
    case 'java':
      return (await import('@codemirror/lang-java')).java();
    case 'c':
    case 'cpp':
      return (await import('@codemirror/lang-cpp')).cpp();
    case 'go':
      return (await import('@codemirror/lang-go')).go();
    case 'rust':
      return (await import('@codemirror/lang-rust')).rust();
    case 'sql':
      return (await import('@codemirror/lang-sql')).sql();
    case 'csharp':
      return StreamLanguage.define((await import('@codemirror/legacy-modes/mode/clike')).csharp);
    case 'bash':
      return StreamLanguage.define((await import('@codemirror/legacy-modes/mode/shell')).shell);
    case 'json':
    case 'html':
    case 'css':
    case 'yaml':
    case null:
      return [];
    default: {
      const unreachable: never = language;
      return unreachable;
    }
  }
}
