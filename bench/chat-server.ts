/**
 * The judge benchmark's model: a loopback HTTP server speaking the OpenAI
 * chat-completions protocol, run as a process of its own so that serving
 * takes nothing from the judge's event loop. POST <base>/chat/completions is
 * answered after a fixed delay with a valid `{verdict, rationale}` JSON; the
 * delay in ms is the base path's first segment (`/50/v1`), so one server
 * serves a slow judge and a fast one. GET /stats gives the requests answered
 * so far. Prints `{"port": N}` on stdout once it listens.
 *
 * Started by bench/chat-client.ts for bench/judge.ts: `node --import tsx bench/chat-server.ts`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

let requests = 0;

function answer(prompt: string): string {
  // A deterministic mix of verdicts, so counted verdicts move both ways.
  let sum = 0;
  for (let i = 0; i < prompt.length; i += 7) sum += prompt.charCodeAt(i);
  const verdict = sum % 5 === 0 ? "fail" : "pass";
  return JSON.stringify({ verdict, rationale: verdict === "pass" ? "follows the guideline" : "misses a guideline point" });
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests }));
      return;
    }
    const match = req.method === "POST" ? /^\/(\d+)\/v1\/chat\/completions$/.exec(req.url ?? "") : null;
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    requests += 1;
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { model: string; messages: { content: string }[] };
    const content = answer(body.messages[0]?.content ?? "");
    const reply = JSON.stringify({
      id: `chatcmpl-${requests}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(reply), Number(match[1]));
  });
});
// Longer than any pause between two requests of a job: connections are kept, as a real endpoint's are.
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
