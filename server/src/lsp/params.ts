import { ErrorCodes, ResponseError } from 'vscode-languageserver';

/**
 * Checks of the request params the handlers read, so that a malformed request gets InvalidParams (-32602) with what
 * is wrong, instead of a TypeError from deep in a handler answered as InternalError. Only the fields a handler reads
 * are checked; anything else the client sends is left alone.
 */
export type Check = (value: unknown, at: string) => void;

const invalid = (message: string) => new ResponseError(ErrorCodes.InvalidParams, message);
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v);

export const uinteger: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${at} must be an unsigned integer, not ${JSON.stringify(v) ?? kind(v)}`);
};
export const string: Check = (v, at) => {
  if (typeof v !== 'string') throw invalid(`${at} must be a string, not ${kind(v)}`);
};
export const anyValue: Check = () => {};

export function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${at} must be an object, not ${kind(v)}`);
    for (const [k, check] of Object.entries(fields)) check((v as Record<string, unknown>)[k], `${at}.${k}`);
  };
}
export function arrayOf(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) throw invalid(`${at} must be an array, not ${kind(v)}`);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
  };
}
/** Absent (undefined or null) or valid. */
export function optional(check: Check): Check {
  return (v, at) => {
    if (v !== undefined && v !== null) check(v, at);
  };
}

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri: string });

/** The params of each request the server handles, as far as its handlers read them. */
export const PARAMS = {
  textDocument: object({ textDocument }),
  textDocumentPosition: object({ textDocument, position }),
  codeAction: object({
    textDocument,
    range,
    context: object({ diagnostics: arrayOf(object({ range })), only: optional(arrayOf(string)) }),
  }),
  codeActionResolve: object({ title: string }),
  textDocumentRange: object({ textDocument, range }),
  executeCommand: object({ command: string, arguments: optional(arrayOf(anyValue)) }),
  workspaceDiagnostic: object({ previousResultIds: arrayOf(object({ uri: string, value: string })) }),
};

/** `params` checked against `check`; throws InvalidParams naming the method and the first field that is wrong. */
export function validParams<T>(method: string, check: Check, params: T): T {
  try {
    check(params, 'params');
  } catch (e) {
    if (e instanceof ResponseError) throw invalid(`${method}: ${e.message}`);
    throw e;
  }
  return params;
}
