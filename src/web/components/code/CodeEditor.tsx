import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import type { CodeLanguage } from '../../generation/languages';
import editorCss from './code-editor.css?inline';
import { loadEditorLanguage } from './editor-languages';
import { createEditorEcho } from './editor-echo';

/** Props of the code editor. */
export interface CodeEditorProps {
  /** Accessible name of the editing area (the visible label's text: labels cannot reach into a shadow root). */
  label: string;
  /** Help read out with the editor (aria-description: ids cannot reach into a shadow root either). */
  description?: string;
  value: string;
  onChange: (value: string) => void;
  language: CodeLanguage | null;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
  placeholderText?: string;
}

let sheet: CSSStyleSheet | undefined;

/** The editor's styles as a constructable sheet, made once and shared by every editor. */
function editorSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(editorCss);
  }
  return sheet;
}

/**
 * A CodeMirror 6 editor with line numbers and highlighting for the chosen
 * language.
 *
 * It lives in a shadow root on purpose: CodeMirror injects its base styles
 * at run time, into a `<style>` element in a document (refused by our
 * Content-Security-Policy, `style-src 'self'`) but as constructable,
 * adopted style sheets in a shadow root, which the CSP allows. Our own
 * editor styles are adopted the same way.
 *
 * Tab is left to move focus (WCAG 2.1.2: no keyboard trap); Ctrl+] and
 * Ctrl+[ indent.
 */
export function CodeEditor({
  label,
  description,
  value,
  onChange,
  language,
  onSubmit,
  placeholderText = 'Paste or type code here',
}: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const onChangeRef = useRef(onChange);
  const onSubmitRef = useRef(onSubmit);
  // The editor is built once; these are read only then.
  const initial = useRef({ value, label, description, placeholderText });
  const echo = useRef(createEditorEcho());

  useEffect(() => {
    onChangeRef.current = onChange;
    onSubmitRef.current = onSubmit;
  }, [onChange, onSubmit]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) {
      return;
    }
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [editorSheet()];
    const parent = document.createElement('div');
    root.append(parent);
    const { value: doc, label: name, description: about, placeholderText: empty } = initial.current;
    const view = new EditorView({
      root,
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(classHighlighter),
          placeholder(empty),
          EditorState.tabSize.of(4),
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                onSubmitRef.current();
                return true;
              },
            },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({
            'aria-label': name,
            ...(about ? { 'aria-description': about } : {}),
            spellcheck: 'false',
            autocapitalize: 'off',
            autocorrect: 'off',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) {
              const text = update.state.doc.toString();
              echo.current.sent(text);
              onChangeRef.current(text);
            }
          }),
          languageSlot.current.of([]),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      parent.remove();
      viewRef.current = null;
    };
  }, []);

  // Text set from outside (arriving from Generate, Clear) replaces the
  // document; a late echo of the user's own typing never does.
  useEffect(() => {
    const view = viewRef.current;
    if (view && echo.current.isOutside(value) && view.state.doc.toString() !== value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    let current = true;
    loadEditorLanguage(language).then(
      (extension) => {
        if (current) {
          viewRef.current?.dispatch({ effects: languageSlot.current.reconfigure(extension) });
        }
      },
      () => {
        // Chunk missing (app updated meanwhile): the editor still works, unhighlighted.
      },
    );
    return () => {
      current = false;
    };
  }, [language]);

  return <div ref={hostRef} className="code-editor" />;
}
