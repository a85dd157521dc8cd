import { randomUUID } from 'node:crypto';
import { ErrorCodes, Message, ResponseError, type Connection, type MessageStrategy, type RequestMessage } from 'vscode-languageserver';

/**
 * The lifecycle rules of LSP 3.17 that vscode-languageserver leaves to the server: before `initialize` a request is
 * answered ServerNotInitialized (-32002) and a notification other than `exit` is dropped; `initialize` comes once;
 * after `shutdown` a request is answered InvalidRequest. Without this the server answered hover before
 * `initialize`, and published diagnostics for a document opened before it (the spec forbids any message to the
 * client before the initialize result).
 *
 * Pass it as the connection's messageStrategy, then call install() on the connection.
 */
export class Lifecycle implements MessageStrategy {
  private state: 'new' | 'running' | 'shutdown' = 'new';
  /** A method no client can guess: a refused request is handed on under it, to a handler that answers the error. */
  private readonly refused = `proxylint/refused/${randomUUID()}`;

  handleMessage(message: Message, next: (message: Message) => void): void {
    if (Message.isRequest(message)) {
      const error = this.refusal(message.method, message.params);
      if (error) {
        next({ jsonrpc: message.jsonrpc, id: message.id, method: this.refused, params: error } as RequestMessage);
        return;
      }
      if (message.method === 'initialize') this.state = 'running';
      else if (message.method === 'shutdown') this.state = 'shutdown';
    } else if (Message.isNotification(message) && this.state === 'new' && message.method !== 'exit') {
      return;
    }
    next(message);
  }

  private refusal(method: string, params: unknown): { code: number; message: string } | undefined {
    if (this.state === 'new' && method !== 'initialize') return { code: ErrorCodes.ServerNotInitialized, message: `"${method}" before "initialize"` };
    // Without its capabilities the library's own initialize handler throws after the state changed: the server then
    // answered every request uninitialized and refused the client's corrected initialize. Refused here, it may retry.
    if (this.state === 'new' && method === 'initialize' && !hasCapabilities(params)) return { code: ErrorCodes.InvalidParams, message: '"initialize" needs params.capabilities (an object, possibly empty)' };
    if (this.state !== 'new' && method === 'initialize') return { code: ErrorCodes.InvalidRequest, message: '"initialize" may only be sent once' };
    if (this.state === 'shutdown') return { code: ErrorCodes.InvalidRequest, message: `"${method}" after "shutdown"` };
    return undefined;
  }

  install(connection: Connection): void {
    connection.onRequest(this.refused, (error: { code: number; message: string }) => {
      throw new ResponseError(error.code, error.message);
    });
  }
}

function hasCapabilities(params: unknown): boolean {
  const caps = params && typeof params === 'object' ? (params as { capabilities?: unknown }).capabilities : undefined;
  return !!caps && typeof caps === 'object';
}
