/**
 * A `fetch` over node:http and node:https with a keep-alive agent, for the
 * LLM judge's OpenAI client (which takes any fetch function).
 *
 * Why our own instead of the global fetch: on Node 20 the built-in fetch
 * (undici) costs several times the CPU per request of node:http (about
 * 1 ms against 0.15 ms per loopback request on the 2-core machine this was
 * measured on; the `undici` and `node-fetch` packages measured no better).
 * With 16 requests in flight their answers arrive close together and are
 * handled one after the other, so that CPU is a queue every request waits
 * out before the next one is sent: it cost the judge about a fifth of its
 * throughput against a model answering in 50 ms. This keeps to what the
 * client needs: a string or bytes body, an abort signal, a buffered response
 * (decoded when the server compressed it); anything else goes to the global
 * fetch.
 */
import http from "node:http";
import https from "node:https";
import { promisify } from "node:util";
import zlib from "node:zlib";

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface KeepAliveFetch {
  fetch: FetchFunction;
  /** Closes the kept connections. */
  close(): void;
}

const DECODERS: Record<string, (body: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  "x-gzip": promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError");
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (init?.headers) new Headers(init.headers).forEach((value, name) => (out[name] = value));
  return out;
}

export function keepAliveFetch(): KeepAliveFetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  const fetch: FetchFunction = (input, init) => {
    const body = init?.body;
    const plainBody = body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
    if (input instanceof Request || !plainBody) return globalThis.fetch(input, init);
    const url = typeof input === "string" ? new URL(input) : input;
    if (url.protocol !== "http:" && url.protocol !== "https:") return globalThis.fetch(input, init);
    const signal = init?.signal ?? null;
    if (signal?.aborted) return Promise.reject(abortError(signal));

    return new Promise<Response>((resolve, reject) => {
      const secure = url.protocol === "https:";
      const headers = headersOf(init);
      const payload = typeof body === "string" ? Buffer.from(body, "utf8") : (body ?? null);
      if (payload) headers["content-length"] = String(payload.byteLength);
      const options = { method: init?.method ?? "GET", headers };
      const request = secure ? https.request(url, { ...options, agent: agents.https }) : http.request(url, { ...options, agent: agents.http });
      const onAbort = () => request.destroy(abortError(signal!) as Error);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      // What the global fetch throws for a network failure, so the client reports it the same way.
      const fail = (error: unknown) => {
        done();
        reject(signal?.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: error }));
      };
      request.once("error", fail);
      request.once("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", fail); // the connection lost after the headers
        response.once("end", () => {
          done();
          const encoding = String(response.headers["content-encoding"] ?? "").trim().toLowerCase();
          const decode = DECODERS[encoding] ?? (async (raw: Buffer) => raw);
          decode(Buffer.concat(chunks)).then(
            (content) => {
              const status = response.statusCode ?? 0;
              const responseHeaders = new Headers();
              for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
              const empty = status === 204 || status === 205 || status === 304 || init?.method === "HEAD";
              resolve(new Response(empty ? null : new Uint8Array(content.buffer as ArrayBuffer, content.byteOffset, content.byteLength), { status, statusText: response.statusMessage, headers: responseHeaders }));
            },
            fail,
          );
        });
      });
      request.end(payload ?? undefined);
    });
  };

  return {
    fetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
