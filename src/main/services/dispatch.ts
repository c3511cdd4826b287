/**
 * The one entry point for contract calls, shared by the Electron IPC adapter and the browser
 * harness: it checks the method name, validates the input against the contract's schema before
 * any handler runs, and turns every failure into an Envelope error (never a thrown exception
 * across the boundary, never a raw stack trace in the UI).
 */
import type { z } from 'zod';
import {
  contract,
  isMethod,
  type ContractError,
  type Envelope,
  type Method,
  type MethodOutput,
  type MethodParsedInput,
} from '../../shared/contract';
import { StoreInputError } from '../store/errors';

/**
 * A refusal a handler means to send as such (e.g. 'unauthorized': nobody is signed in), rather
 * than the 'internal' every other exception becomes.
 */
export class ContractRefusal extends Error {
  constructor(
    readonly code: ContractError['code'],
    message: string,
  ) {
    super(message);
  }
}

export interface CallContext {
  transport: 'electron' | 'browser';
  /** Electron: the calling window's page as PDF (webContents.printToPDF) */
  printToPdf?: () => Promise<Buffer>;
}

export type Handler<M extends Method> = (
  input: MethodParsedInput<M>,
  ctx: CallContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type HandlerTable = { [M in Method]: Handler<M> };

/** Flattens zod issues to { "field.path": "i18n.key" }: the first message per field wins. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export interface DispatchOptions {
  /** log hook for unexpected failures (a bug or I/O error): the renderer only sees a summary */
  onInternalError?: (method: string, error: unknown) => void;
}

/** The method name for an error message: never String() of a caller's object (it may nest beyond the stack). */
function describeMethod(method: unknown): string {
  return typeof method === 'string' ? method.slice(0, 64) : `(${method === null ? 'null' : typeof method})`;
}

export async function dispatch(
  handlers: HandlerTable,
  method: unknown,
  rawInput: unknown,
  ctx: CallContext,
  options: DispatchOptions = {},
): Promise<Envelope<unknown>> {
  if (!isMethod(method)) {
    const error: ContractError = { code: 'unknown_method', message: `unknown method: ${describeMethod(method)}` };
    return { ok: false, error };
  }
  const parsed = contract[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_input', message: `invalid input for ${method}`, fields: fieldErrors(parsed.error) },
    };
  }
  try {
    const handler = handlers[method] as Handler<Method>;
    const data = await handler(parsed.data as never, ctx);
    return { ok: true, data };
  } catch (error) {
    if (error instanceof ContractRefusal) return { ok: false, error: { code: error.code, message: error.message } };
    // the store's own checks (e.g. a number valid by the shared rule but not under this
    // workstation's area code) are the operator's to fix, beside the field, like schema errors
    if (error instanceof StoreInputError) {
      const field = error.key.split('.')[0] ?? '_';
      return { ok: false, error: { code: 'invalid_input', message: error.key, fields: { [field]: error.key } } };
    }
    options.onInternalError?.(method, error);
    return { ok: false, error: { code: 'internal', message: `${method} failed` } };
  }
}
