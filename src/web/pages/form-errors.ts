import { ApiError, type FieldErrors } from '../api/api-client';
import { MESSAGES } from '../../shared/messages';

/** What a form shows after a failed submit: messages at the top and next to fields. */
export interface FormErrors {
  /** Shown in the form's alert region. */
  general: string[];
  /** Shown next to the matching inputs. */
  fields: FieldErrors;
}

export const NO_ERRORS: FormErrors = { general: [], fields: {} };

/**
 * Splits an API error over the form: field messages for inputs the form has go
 * next to them; any others (a field the form does not show) join the general
 * message so nothing the server said is lost, and nothing is said twice.
 */
export function toFormErrors(error: unknown, formFields: readonly string[]): FormErrors {
  if (!(error instanceof ApiError)) {
    return { general: [MESSAGES.internal], fields: {} };
  }
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const [name, message] of Object.entries(error.fields)) {
    if (formFields.includes(name)) {
      fields[name] = message;
    } else if (!general.includes(message)) {
      general.push(message);
    }
  }
  // Some answers repeat a field's message as the overall one: say it once, next to the field.
  if (!general.includes(error.message) && !Object.values(fields).includes(error.message)) {
    general.unshift(error.message);
  }
  return { general, fields };
}
