/** A mistake on the command line: reported in one line with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE_EXIT_CODE = 2;
