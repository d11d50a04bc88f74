/**
 * Reads a JSON request body for the few writes krm accepts (derived views: reviews, leases),
 * bounded so a client cannot make krm buffer without limit.
 */
import type { IncomingMessage } from "node:http";
import { BadRequestError, EntityTooLargeError, UnsupportedMediaTypeError } from "../errors.js";

/** Largest body accepted: a review or lease is a few hundred bytes; the API server allows 3 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers["content-type"] ?? "application/json";
  if (!/^application\/(json|merge-patch\+json)\b/i.test(type) && !/^application\/\*|^\*\/\*/.test(type))
    throw new UnsupportedMediaTypeError(`the body must be application/json, not ${type.slice(0, 80)}`);
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > maxBytes)
    throw new EntityTooLargeError(`request body of ${declared} bytes exceeds ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new EntityTooLargeError(`request body exceeds ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new BadRequestError("the request body is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError("the request body is not valid JSON");
  }
}
