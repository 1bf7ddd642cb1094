/**
 * HTTP/1.1 over a plain socket, for requests fetch() refuses to send or
 * rewrites: malformed percent-encodings, TRACE, the `*` target, bodies that
 * stall halfway.
 */
import net from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses one response (Content-Length or close-delimited bodies; chunked bodies are de-chunked, by bytes). */
export function parseResponse(data: Buffer): RawResponse | null {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = body.indexOf("\r\n");
      if (lineEnd < 0) return null;
      const size = parseInt(body.subarray(0, lineEnd).toString("latin1"), 16);
      if (!Number.isFinite(size)) return null;
      if (size === 0) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      body = body.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, body: body.toString("utf8") };
}

/** Opens a connection and writes the request head (and `body`, if any) exactly as given. */
export function openRaw(baseUrl: string, head: string, body = ""): { socket: net.Socket; response: Promise<RawResponse & { closedAfterMs: number }> } {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  const started = Date.now();
  socket.write(head + body);
  const response = new Promise<RawResponse & { closedAfterMs: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) resolve({ ...parsed, closedAfterMs: Date.now() - started });
      else reject(new Error(`connection closed without a complete response: ${JSON.stringify(Buffer.concat(chunks).toString("utf8").slice(0, 200))}`));
    });
  });
  return { socket, response };
}

/** One request with `Connection: close`; the target is sent byte for byte. */
export async function rawRequest(baseUrl: string, method: string, target: string, headers: Record<string, string> = {}, body = ""): Promise<RawResponse> {
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${new URL(baseUrl).host}`, "connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  const { response } = openRaw(baseUrl, `${lines.join("\r\n")}\r\n\r\n`, body);
  return response;
}
