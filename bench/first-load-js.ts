/**
 * First-load JavaScript of an app route, gzipped, from the production build's
 * manifests (Next 16 no longer prints sizes after `next build`): the scripts
 * every page loads (`rootMainFiles` of build-manifest.json) plus the chunks of
 * the route's layouts and page (`entryJSFiles` of its
 * page_client-reference-manifest.js), each file counted once. Polyfills
 * (loaded only by browsers without modules) and chunks imported later on
 * demand are not first-load JS.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { z } from "zod";

const buildManifestSchema = z.object({ rootMainFiles: z.array(z.string()) });
const clientManifestSchema = z.object({ entryJSFiles: z.record(z.string(), z.array(z.string())) });

export interface FirstLoadJs {
  route: string;
  files: string[];
  /** Sum of each file gzipped (level 9), in bytes. */
  gzipBytes: number;
  rawBytes: number;
}

/** `route` as the app directory spells it, e.g. "/projects/[project]/cases/[caseId]". */
export function firstLoadJs(distDir: string, route: string): FirstLoadJs {
  const { rootMainFiles } = buildManifestSchema.parse(JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")));
  const manifestFile = path.join(distDir, "server", "app", ...route.split("/").filter(Boolean), "page_client-reference-manifest.js");
  // The manifest is a script that assigns globalThis.__RSC_MANIFEST[page]; run it in an empty context.
  const context: { __RSC_MANIFEST?: Record<string, unknown> } = {};
  vm.runInNewContext(readFileSync(manifestFile, "utf8"), context, { filename: manifestFile, timeout: 5_000 });
  const entry = context.__RSC_MANIFEST?.[`${route}/page`];
  if (entry === undefined) throw new Error(`${manifestFile} has no manifest for ${route}/page`);
  const { entryJSFiles } = clientManifestSchema.parse(entry);
  const files = [...new Set([...rootMainFiles, ...Object.values(entryJSFiles).flat()])].sort();
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(distDir, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { route, files, gzipBytes, rawBytes };
}

/** The script files a rendered page names (module scripts only), relative to the dist dir: the cross-check. */
export function scriptsOfHtml(html: string): string[] {
  const files = new Set<string>();
  for (const tag of html.matchAll(/<script\b[^>]*>/g)) {
    if (/\bnomodule\b/i.test(tag[0])) continue;
    const src = /\bsrc="\/_next\/([^"?]+)/.exec(tag[0]);
    if (src) files.add(src[1]!);
  }
  return [...files].sort();
}
