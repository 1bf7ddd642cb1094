import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { UsageError } from "./args";

export interface FileInfo {
  file: string;
  size: number;
  mtimeMs: number;
}

/** A readable regular file, its size and modification time; a usage error naming the problem otherwise. */
export async function fileInfo(file: string): Promise<FileInfo> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new UsageError(`not a file: ${file}`);
  await access(file, constants.R_OK).catch((error: Error) => {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  });
  return { file, size: info.size, mtimeMs: info.mtimeMs };
}
