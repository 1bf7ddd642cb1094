/**
 * The ceiling for the feedback benchmark: a bare Node `http` server running
 * the same grader (gradeIntent) with the demo taxonomy and default rewards,
 * and nothing else (no framework, no key, no validation beyond JSON.parse).
 * Listens on 127.0.0.1:$PORT: POST /feedback, POST /feedback/batch, GET /health.
 */
import http from "node:http";
import { z } from "zod";
import { DEMO_INTENTS } from "../../lib/demo/generate";
import { DEFAULT_REWARDS, gradeIntent } from "../../lib/grading/intent";

// The port its parent chose; anything else is a mistake of the benchmark's, not a random port to listen on.
const { PORT: port } = z.object({ PORT: z.coerce.number().int().min(1).max(65535) }).parse(process.env);

const taxonomy = new Set(DEMO_INTENTS.map((intent) => intent.id));

function grade(item: { completion: string; expectedIntent: string }) {
  const g = gradeIntent(item.completion, item.expectedIntent, { taxonomy, rewards: DEFAULT_REWARDS });
  return { reward: g.reward, verdict: g.verdict, predictedIntent: g.predictedIntent, formatError: g.formatError, formatErrorMessage: g.formatErrorMessage, unknownIntent: g.unknownIntent };
}

const server = http.createServer((request, response) => {
  if (request.method === "GET" && request.url === "/health") {
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const out = request.url === "/feedback/batch" ? { results: (body.items as { completion: string; expectedIntent: string }[]).map(grade) } : grade(body);
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(out));
    } catch (error) {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "bad_request", message: String(error) } }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
