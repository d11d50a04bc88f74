/**
 * Reports as danfojs DataFrames (README "Usage accounting and right-sizing"). danfojs is an
 * optional peer dependency: it is imported on first use only, so the client works without it
 * and a missing danfojs is a clear error naming the package to install.
 */
import type * as Danfo from "danfojs";

export type DataFrame = Danfo.DataFrame;
/** How danfojs is loaded; tests pass a failing one. */
export type DanfoImporter = () => Promise<typeof Danfo>;

const importDanfo: DanfoImporter = () => import("danfojs");

/** Thrown by `toDataFrame()` when danfojs is not installed. */
export class DanfoMissingError extends Error {
  constructor(cause: unknown) {
    super(
      "toDataFrame() needs the optional peer dependency danfojs: npm install danfojs@1.1 " +
        "(the pure-JS package; danfojs-node does not install where its tfjs-node native download is blocked)",
      { cause },
    );
    this.name = "DanfoMissingError";
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/** A DataFrame with exactly `columns`, one row per record, in order. */
export async function dataFrameOf(
  records: readonly Readonly<Record<string, string | number | boolean>>[],
  columns: readonly string[],
  load: DanfoImporter = importDanfo,
): Promise<DataFrame> {
  let danfo: typeof Danfo;
  try {
    danfo = await load();
  } catch (error) {
    throw isModuleNotFound(error) ? new DanfoMissingError(error) : error;
  }
  // From rows + column names, so an empty report still has its columns.
  const values = records.map((record) => columns.map((column) => record[column] ?? ""));
  return new danfo.DataFrame(values, { columns: [...columns] });
}
