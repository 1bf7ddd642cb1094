/**
 * A loopback HTTP server speaking the chat-completions protocol, for the LLM
 * judge's tests: each request is recorded, and answered by a script
 * (a function of the request and its number) that can also misbehave: status
 * codes with headers, malformed bodies, a dropped connection, silence.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  at: number;
  body: { model: string; messages: { role: string; content: string }[]; temperature?: number; response_format?: unknown };
  authorization: string | undefined;
}

export type ChatAnswer =
  | { verdict: "pass" | "fail"; rationale: string }
  | { content: string | null }
  | { status: number; headers?: Record<string, string>; body?: string }
  | { choices: [] }
  | { drop: true }
  | { hang: true };

export type Script = (request: ChatRequest, index: number) => ChatAnswer | Promise<ChatAnswer>;

export interface ChatServer {
  url: string;
  requests: ChatRequest[];
  setScript(script: Script): void;
  close(): Promise<void>;
}

function completion(content: string | null) {
  return { id: "chatcmpl-test", object: "chat.completion", created: 0, model: "judge-test", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }] };
}

export async function startChatServer(script: Script): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  let current = script;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const request: ChatRequest = { at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString("utf8")), authorization: req.headers.authorization };
      const index = requests.push(request) - 1;
      const answer = await current(request, index);
      if ("drop" in answer) return void req.socket.destroy();
      if ("hang" in answer) return;
      if ("status" in answer) {
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.body ?? JSON.stringify({ error: { message: `scripted ${answer.status}` } }));
        return;
      }
      const body = "choices" in answer ? { ...completion(null), choices: [] } : completion("content" in answer ? answer.content : JSON.stringify(answer));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setScript: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
