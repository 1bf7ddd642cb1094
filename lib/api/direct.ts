/**
 * The endpoints the custom server answers on Node's http layer, without
 * Next.js: the RL feedback endpoints, called in a tight training loop, where
 * the framework's per-request work would cost more than the grading. Same
 * handlers as their Next route files (lib/api/handler.ts), so the same checks,
 * limits, errors, statuses and headers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { feedbackIntentBatchHandler, feedbackIntentHandler } from "./endpoints/feedback";
import { bodyTimeout } from "./body";
import { ApiError } from "./errors";
import { replyForError, type ApiHandler } from "./handler";

const DIRECT: Record<string, ApiHandler> = {
  "/api/v1/feedback/intent": feedbackIntentHandler,
  "/api/v1/feedback/intent/batch": feedbackIntentBatchHandler,
};

/** The handler when the request is one the server answers directly; anything else goes to Next. */
export function directHandler(request: IncomingMessage): ApiHandler | undefined {
  if (request.method !== "POST" || !request.url) return undefined;
  const end = request.url.indexOf("?");
  return DIRECT[end < 0 ? request.url : request.url.slice(0, end)];
}

export async function serveDirect(handler: ApiHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? "";
  const query = url.indexOf("?");
  let reply;
  try {
    reply = await handler({
      header: (name) => {
        const value = request.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      search: query < 0 ? "" : url.slice(query),
      params: {},
      readBody: (maxBytes, timeoutMs) => readBody(request, maxBytes, timeoutMs),
    });
  } catch (error) {
    reply = replyForError(error);
  }
  if (response.destroyed) return;
  response.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

/** Reads the body up to maxBytes; past that, answers null at once and discards the rest as it arrives. */
function readBody(request: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Uint8Array | null> {
  let timer: NodeJS.Timeout | undefined;
  const read = new Promise<Uint8Array | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    timer = setTimeout(() => {
      if (done) return;
      done = true;
      chunks.length = 0;
      reject(bodyTimeout());
    }, timeoutMs);
    request.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    const incomplete = () => {
      if (done) return;
      done = true;
      reject(new ApiError(400, "incomplete_body", "the request body ended before its declared length"));
    };
    request.on("error", incomplete);
    request.on("close", incomplete);
  });
  return read.finally(() => clearTimeout(timer));
}
