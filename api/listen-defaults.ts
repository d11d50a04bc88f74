/** Where the API listens unless told otherwise: loopback only, so `auth=none` is safe by default. */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8080;
